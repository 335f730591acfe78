// The SPNs of a mesh by name: their RPC target and numeric id (`spn2` → 2).
import { MeshCliError, UnknownNetworkError } from '../errors.js'
import type { RPCTarget } from './rpc.js'
import type { MeshState, NetworkState } from './state.js'
export const targetOf = (n: NetworkState): RPCTarget => ({
  network: n.name,
  rpcUrl: n.rpcUrl,
  wsUrl: n.wsUrl,
  chainId: n.chainId,
})

/**
 * The SPN named `name` in the mesh and its numeric id (`spn2` → 2, the id its Mailbox and the main net's
 * registry use). The main net, and names that are not SPNs of this mesh, are errors saying what to pass.
 */
export function spnOf(state: MeshState, name: string, flag: string): { net: NetworkState; id: bigint } {
  const spns = state.networks.filter((n) => n.kind === 'spn').map((n) => n.name)
  const net = state.networks.find((n) => n.name === name)
  if (net?.kind === 'mainnet')
    throw new MeshCliError(`${flag} ${name}: messages go between SPNs, not to or from the main net.`, {
      code: 'INVALID_OPTION',
      metaMessages: [`- Expected an SPN of this mesh: ${spns.join(', ')}.`],
    })
  if (!net) throw new UnknownNetworkError(name, spns)
  return { net, id: spnIdOfName(name, flag) }
}

/** `spnN` → N (the SPN's numeric id, as `mesh up` registers it). */
export function spnIdOfName(name: string, flag = 'network'): bigint {
  const m = /^spn([1-9]\d*)$/.exec(name)
  if (!m)
    throw new MeshCliError(`${flag} "${name}" is not an SPN name.`, {
      code: 'INVALID_OPTION',
      metaMessages: ['- Expected spn1, spn2, … (the names `mesh status` lists).'],
    })
  return BigInt(m[1] as string)
}
