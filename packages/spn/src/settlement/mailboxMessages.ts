import { type Receipt, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { type Address, decodeEventLog, type Hex } from 'viem'
import type { ExitTreeMessage } from './exitTree.js'
import { spnMailboxAbi } from './mailbox.generated.js'

/** A message the Mailbox sent, before the exit tree gives it a position. */
export type SentMessage = Omit<ExitTreeMessage, 'position' | 'batch' | 'leaf'>

/** The `MessageSent` logs of the SPN Mailbox in a block's receipts, in order (other logs are skipped). */
export function sentMessagesOf(block: bigint, receipts: readonly Receipt[]): SentMessage[] {
  const out: SentMessage[] = []
  for (const r of receipts) {
    for (const log of r.logs) {
      if (log.address.toLowerCase() !== SYSTEM_ADDRESSES.spn.mailbox) continue
      let ev: {
        index: bigint
        srcSpn: bigint
        dstSpn: bigint
        sender: Address
        to: Address
        value: bigint
        data: Hex
      }
      try {
        const decoded = decodeEventLog({ abi: spnMailboxAbi, topics: log.topics as [Hex], data: log.data })
        if (decoded.eventName !== 'MessageSent' || !decoded.args) continue
        ev = decoded.args
      } catch {
        continue
      }
      out.push({
        messageIndex: ev.index,
        block,
        txHash: r.transactionHash,
        srcSpn: ev.srcSpn,
        dstSpn: ev.dstSpn,
        sender: ev.sender.toLowerCase() as Address,
        to: ev.to.toLowerCase() as Address,
        value: ev.value,
        data: ev.data,
      })
    }
  }
  return out
}
