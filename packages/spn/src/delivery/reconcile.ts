import type { SealedBlock } from '@rollup-mesh/chain'
import { type Logger, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { decodeErrorResult, decodeEventLog, type Hash, type Hex } from 'viem'
import { spnMailboxAbi } from '../settlement/mailbox.generated.js'
import type { PendingDeposit } from './deposits.js'
import type { Inbox, InboxStatus } from './inbox.js'

/** Reverted attempts after which a delivery is given up (status `error`). */
const MAX_ATTEMPTS = 3

/**
 * Reads the receipts of the delivery deposits a sealed block carried into the inbox: `delivered` (or
 * `failed` when the Mailbox reported the call to the recipient failed), or a reverted attempt, retried in
 * the next block until the nullifier refuses it (already delivered) or `MAX_ATTEMPTS` is reached (`error`).
 */
export function reconcileDeliveries(
  inbox: Inbox,
  block: SealedBlock,
  pending: ReadonlyMap<Hash, PendingDeposit>,
  log: Logger,
): void {
  inbox.transaction(() => {
    for (const receipt of block.receipts) {
      const p = pending.get(receipt.transactionHash)
      if (p?.kind !== 'deliver') continue
      if (receipt.status === 1) {
        let status: InboxStatus = 'delivered'
        for (const l of receipt.logs) {
          if (l.address.toLowerCase() !== SYSTEM_ADDRESSES.spn.mailbox) continue
          try {
            const ev = decodeEventLog({ abi: spnMailboxAbi, topics: l.topics as [Hex], data: l.data })
            if (ev.eventName === 'MessageFailed') status = 'failed'
          } catch {}
        }
        inbox.setStatus(p.src, p.position, status, receipt.transactionHash, Number(block.header.number), null)
        log.info(
          {
            src: p.src,
            position: p.position,
            status,
            tx: receipt.transactionHash,
            block: Number(block.header.number),
          },
          'message delivered',
        )
        continue
      }
      const reason = revertReason(receipt.revertData)
      const attempts = inbox.attempt(p.src, p.position, reason)
      // The nullifier refused it: it was delivered already (a repair requeue); record the refusal.
      if (reason.includes('already delivered') || attempts >= MAX_ATTEMPTS)
        inbox.setStatus(
          p.src,
          p.position,
          'error',
          receipt.transactionHash,
          Number(block.header.number),
          reason,
        )
      log.warn({ src: p.src, position: p.position, reason, tx: receipt.transactionHash }, 'delivery reverted')
    }
  })
}

/** `Error(string)` revert data as its message; anything else as hex. */
function revertReason(data: Hex): string {
  if (!data || data === '0x') return 'reverted without data'
  try {
    const e = decodeErrorResult({ data })
    if (e.errorName === 'Error') return String(e.args?.[0])
    return `${e.errorName}(${(e.args ?? []).join(', ')})`
  } catch {
    return data
  }
}
