import type { Abi } from 'viem'
import { rpc } from './rpc.js'
import type { Network } from './types.js'

/** A deployment's ABI as the node keeps it (`mesh deploy` records it with `mesh_recordContractAbi`). */
export type DeployedAbi = {
  address: string
  name: string
  vm: 'evm' | 'wasm'
  abi: Abi
  txHash: string | null
}

const cache = new Map<string, Promise<DeployedAbi | null>>()

/**
 * The ABI `mesh deploy` recorded on the node for `address` (`mesh_getContractAbi`), or null: none was
 * recorded, or the node has no such method. Cached per network and address (a found ABI never changes;
 * a missing one is asked again after a page reload).
 *
 * @example
 * const token = await deployedAbiOf(network, '0x5FbD…') // { name: 'Token', vm: 'evm', abi: [...] } | null
 */
export function deployedAbiOf(network: Network, address: string): Promise<DeployedAbi | null> {
  const key = `${network.name}:${address.toLowerCase()}`
  let found = cache.get(key)
  if (!found) {
    found = rpc<DeployedAbi | null>(network.rpcUrl, 'mesh_getContractAbi', [address]).catch(() => null)
    cache.set(key, found)
    found.then((v) => v === null && cache.delete(key)).catch(() => cache.delete(key))
  }
  return found
}
