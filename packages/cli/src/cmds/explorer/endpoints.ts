import type { ExplorerEndpoint } from '@rollup-mesh/explorer'
import type { MeshState } from '../../mesh/state.js'

/** The explorer's `/mesh.json` networks from the mesh's state: names, chain ids, VMs, RPC and WS URLs. */
export function explorerEndpoints(state: MeshState): ExplorerEndpoint[] {
  return state.networks.map((n) => ({
    name: n.name,
    kind: n.kind,
    chainId: n.chainId,
    vms: n.vms,
    ...(n.role ? { role: n.role } : {}),
    rpcUrl: n.rpcUrl,
    wsUrl: n.wsUrl,
    ...(n.contracts ? { contracts: n.contracts } : {}),
  }))
}
