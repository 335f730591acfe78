import { describe, expect, it } from 'vitest'
import { messageRows, spnIdOfName } from '../../src/app/lib/messages.js'
import type { InboxEntry, SentMessage, SettlementJSON } from '../../src/app/lib/types.js'

const sent = (position: number, block: number): SentMessage => ({
  position,
  batch: position >> 4,
  block: `0x${block.toString(16)}`,
  txHash: `0x${String(position).padStart(64, '0')}`,
  srcSpn: '0x1',
  dstSpn: '0x2',
  sender: '0x1111111111111111111111111111111111111111',
  to: '0x2222222222222222222222222222222222222222',
  value: '0xde0b6b3a7640000',
  data: '0x',
})
const settlement = (
  batch: number,
  start: number,
  count: number,
  status: 'pending' | 'accepted',
): SettlementJSON => ({
  batch,
  fromBlock: '0x1',
  toBlock: '0x9',
  startIndex: `0x${start.toString(16)}`,
  leafCount: `0x${count.toString(16)}`,
  newStateRoot: '0x',
  newExitRoot: '0x',
  headerHash: '0x',
  status,
  transactionHash: status === 'accepted' ? '0xfeed' : null,
})
const inbox = (position: number, status: InboxEntry['status'], error: string | null = null): InboxEntry => ({
  srcSpn: '0x1',
  position: `0x${position.toString(16)}`,
  sender: '0x1111111111111111111111111111111111111111',
  to: '0x2222222222222222222222222222222222222222',
  value: '0x0',
  status,
  transactionHash: status === 'queued' ? null : '0xbeef',
  blockNumber: status === 'queued' ? null : '0x20',
  error,
})

describe('messageRows', () => {
  it('puts each message at its furthest stage, newest first', () => {
    const rows = messageRows({
      sent: new Map([[1, [sent(0, 3), sent(1, 4), sent(16, 9), sent(17, 10), sent(18, 11)]]]),
      settlements: new Map([[1, [settlement(0, 0, 2, 'accepted'), settlement(1, 16, 3, 'pending')]]]),
      inboxes: new Map([
        [2, [inbox(0, 'delivered'), inbox(1, 'failed', 'reverted: no'), inbox(17, 'queued')]],
      ]),
    })
    expect(rows.map((r) => [r.position, r.stage])).toEqual([
      [18, 'sent'],
      [17, 'settled'],
      [16, 'sent'],
      [1, 'failed'],
      [0, 'delivered'],
    ])
    expect(rows.find((r) => r.position === 1)?.error).toBe('reverted: no')
    expect(rows.find((r) => r.position === 0)).toMatchObject({
      settlement: 0,
      settlementTx: '0xfeed',
      deliveryBlock: 32,
    })
    expect(rows.find((r) => r.position === 17)?.queued).toBe(true)
  })

  it('maps network names to mesh ids', () => {
    expect(spnIdOfName('spn12')).toBe(12)
    expect(spnIdOfName('mainnet')).toBeUndefined()
  })
})
