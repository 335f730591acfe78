import type { ExplorerEndpoint } from '@rollup-mesh/explorer'
import { type MeshState, readState } from '../../mesh/state.js'

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

/**
 * The explorer's networks as the state file lists them now (asked on every request of the page, so an SPN
 * that `mesh spn add` records appears on an open page); `fallback` while the file is missing or unreadable.
 */
export function currentExplorerEndpoints(dataDir: string, fallback: MeshState): ExplorerEndpoint[] {
  try {
    return explorerEndpoints(readState(dataDir) ?? fallback)
  } catch {
    return explorerEndpoints(fallback)
  }
}
