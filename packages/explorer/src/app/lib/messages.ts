import { hexToNum } from './format.js'
import type { InboxEntry, SentMessage, SettlementJSON } from './types.js'

/** Where a cross-network message is: sent (in the source's exit tree), settled, delivered or failed. */
export type MessageStage = 'sent' | 'settled' | 'delivered' | 'failed'

export type MessageRow = {
  /** `<srcSpn>:<position>`: unique in the mesh. */
  key: string
  srcSpn: number
  dstSpn: number
  position: number
  sender: string
  to: string
  value: string
  sentBlock: number
  sentTx: string
  stage: MessageStage
  /** The settlement (batch) of the source that carried it to the main net, once accepted. */
  settlement?: number
  /** The main-net transaction that accepted that settlement. */
  settlementTx?: string
  /** The destination's delivery transaction and block. */
  deliveryTx?: string
  deliveryBlock?: number
  /** Queued for delivery on the destination (settled, delivery transaction not yet mined). */
  queued?: boolean
  /** Why delivery failed (the revert reason or the node's error). */
  error?: string
}

/** The SPN's numeric mesh id from its network name (`spn2` → 2), as `mesh up` assigns it. */
export function spnIdOfName(name: string): number | undefined {
  const m = /^spn(\d+)$/.exec(name)
  return m ? Number(m[1]) : undefined
}

/**
 * Joins what the SPNs report into one row per message: each source's sent messages (`mesh_getMessages`),
 * its accepted settlements (`mesh_getSettlements`: a message is settled once an accepted settlement's leaf
 * range covers its position) and each destination's inbox (`mesh_getInbox`: delivered or failed, with the
 * reason). Newest first.
 */
export function messageRows(input: {
  sent: ReadonlyMap<number, readonly SentMessage[]>
  settlements: ReadonlyMap<number, readonly SettlementJSON[]>
  inboxes: ReadonlyMap<number, readonly InboxEntry[]>
}): MessageRow[] {
  const delivered = new Map<string, InboxEntry>()
  for (const entries of input.inboxes.values())
    for (const e of entries) delivered.set(`${hexToNum(e.srcSpn)}:${hexToNum(e.position)}`, e)
  const rows: MessageRow[] = []
  for (const [src, messages] of input.sent) {
    const accepted = (input.settlements.get(src) ?? []).filter((s) => s.status === 'accepted')
    for (const m of messages) {
      const key = `${src}:${m.position}`
      const row: MessageRow = {
        key,
        srcSpn: src,
        dstSpn: hexToNum(m.dstSpn),
        position: m.position,
        sender: m.sender,
        to: m.to,
        value: m.value,
        sentBlock: hexToNum(m.block),
        sentTx: m.txHash,
        stage: 'sent',
      }
      const s = accepted.find((s) => {
        const start = hexToNum(s.startIndex)
        return m.position >= start && m.position < start + hexToNum(s.leafCount)
      })
      if (s) {
        row.stage = 'settled'
        row.settlement = s.batch
        if (s.transactionHash) row.settlementTx = s.transactionHash
      }
      const inbox = delivered.get(key)
      if (inbox) {
        // the destination only sees a message once its exit root is final: settled, whatever the source says
        if (row.stage === 'sent') row.stage = 'settled'
        if (inbox.status === 'delivered') row.stage = 'delivered'
        else if (inbox.status === 'failed' || inbox.status === 'error') {
          row.stage = 'failed'
          row.error = inbox.error ?? inbox.status
        } else row.queued = true
        if (inbox.transactionHash) row.deliveryTx = inbox.transactionHash
        if (inbox.blockNumber) row.deliveryBlock = hexToNum(inbox.blockNumber)
      }
      rows.push(row)
    }
  }
  return rows.sort((a, b) => b.sentBlock - a.sentBlock || b.position - a.position || a.srcSpn - b.srcSpn)
}
