/** The main net's network name: p2p topics (`/rollup-mesh/1/mainnet/...`), logs and `mesh` state. */
export const MAINNET_NETWORK = 'mainnet'

/**
 * The network name of SPN `id` (`spn1`, `spn2`, ...): its p2p topics, its producer key's domain and the
 * name `mesh --network` takes.
 *
 * @example
 * ```ts
 * import { spnNetworkName } from '@rollup-mesh/core'
 * spnNetworkName(2n) // 'spn2'
 * ```
 */
export const spnNetworkName = (id: bigint | number): string => `spn${id}`
