import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { type PublicClient, parseAbiItem } from 'viem'
import type { FinalizedRootEvent, Inbox } from './inbox.js'

const exitRootFinalized = parseAbiItem(
  'event ExitRootFinalized(uint64 indexed spnId, bytes32 indexed exitRoot, uint64 settlementIndex, uint64 toBlock, uint64 startIndex, uint64 leafCount)',
)

/** Main-net blocks read per `eth_getLogs`. */
const LOG_RANGE = 5_000n

/**
 * Follows the main net's Mailbox: records every `ExitRootFinalized` of another SPN since the inbox's
 * cursor (roots with leaves are to be fetched), moving the cursor in the same transaction.
 */
export async function followMainnet(pub: PublicClient, inbox: Inbox, me: bigint): Promise<void> {
  const head = await pub.getBlockNumber()
  let from = inbox.cursor() + 1n
  while (from <= head) {
    const to = head - from > LOG_RANGE ? from + LOG_RANGE : head
    const logs = await pub.getLogs({
      address: SYSTEM_ADDRESSES.mainnet.mailbox,
      event: exitRootFinalized,
      fromBlock: from,
      toBlock: to,
    })
    const events = logs.map((l) => l.args as FinalizedRootEvent).filter((a) => a.spnId !== me)
    inbox.recordRoots(events, to)
    from = to + 1n
  }
}
