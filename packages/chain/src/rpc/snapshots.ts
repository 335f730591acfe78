import { numberToHex } from 'viem'
import type { Chain } from '../chain.js'
import { expectCount, paramQuantity } from './params.js'
import type { RPCMethods } from './server.js'

/**
 * `evm_snapshot` (answers the id as a hex quantity from `0x0`) and `evm_revert` (true, or false for an
 * unknown id), as anvil answers them, over `Chain.snapshots`: a revert brings back the state root, the head
 * block and the pool of snapshot time. Only a dev network registers them (`config.dev`).
 *
 * @example
 * ```ts
 * const methods = createSnapshotMethods(chain)
 * const id = await methods.evm_snapshot([], {}) // '0x0'
 * await methods.evm_revert([id], {}) // true
 * ```
 */
export function createSnapshotMethods(chain: Chain): RPCMethods {
  return {
    evm_snapshot: async (p) => {
      expectCount(p, 0, 0)
      // a block the commit writer holds is durable first: the snapshot is of the head
      await chain.idle()
      return numberToHex(chain.snapshots.take())
    },
    evm_revert: (p) => {
      expectCount(p, 1, 1)
      return chain.snapshots.revert(paramQuantity(p, 0))
    },
  }
}
