import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, type ExitBatch, type ExitMessage, type Hex, numberToHex } from '@rollup-mesh/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeExitBatch,
  encodeExitBatch,
  InvalidMessageError,
  MESSAGE_LIMITS,
  MessageTooLargeError,
} from '../../src/index.js'
import { BN254_P, makeExitBatch } from '../helpers.js'

type Fields = Array<Uint8Array | Fields>
const fieldsOf = (data: Uint8Array) => RLP.decode(data) as Fields
const enc = (f: unknown) => RLP.encode(f as Parameters<typeof RLP.encode>[0])
const uint = (n: bigint) => RLP.encode(n).subarray(n < 128n && n > 0n ? 0 : 1)

/** The InvalidMessageError `fn` throws, so tests can check which field it names. */
function fieldOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof InvalidMessageError) return err.field
    throw err
  }
  throw new Error('expected an InvalidMessageError')
}

/** Decodes `batch` after `mutate` changed its RLP fields (so the encoder's own checks are bypassed). */
function decodeMutated(batch: ExitBatch, mutate: (f: Fields) => void): ExitBatch {
  const f = fieldsOf(encodeExitBatch(batch))
  mutate(f)
  return decodeExitBatch(enc(f))
}

const messageFields = (f: Fields, i: number) => (f[6] as Fields)[i] as Fields

describe('exit batch codec', () => {
  it('round-trips batches with 0, 1 and 16 messages', () => {
    for (const count of [0, 1, 16]) {
      const batch = makeExitBatch(1n, 7n, count)
      const data = encodeExitBatch(batch)
      expect(decodeExitBatch(data)).toEqual(batch)
      expect(decodeExitBatch(data).messages).toHaveLength(count)
    }
  })

  it('carries 16 messages of 32 KiB data each within the batch limit', () => {
    const batch = makeExitBatch(3n, 0n, 16, MESSAGE_LIMITS.exitMessageData)
    const data = encodeExitBatch(batch)
    expect(data.length).toBeGreaterThan(16 * MESSAGE_LIMITS.exitMessageData)
    expect(data.length).toBeLessThanOrEqual(MESSAGE_LIMITS.exitBatch)
    expect(decodeExitBatch(data)).toEqual(batch)
  })

  it('encode → decode is the identity (property)', () => {
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
    const word = fc.bigInt({ min: 0n, max: BN254_P - 1n }).map((w) => numberToHex(w, { size: 32 }))
    const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => bytesToHex(b))
    const arbitrary = fc
      .record({
        spnId: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
        batch: fc.bigInt({ min: 0n, max: 2n ** 60n - 1n }),
        fromBlock: fc.bigInt({ min: 0n, max: 2n ** 63n }),
        span: fc.bigInt({ min: 0n, max: 1000n }),
        frontier: fc.array(word, { minLength: 24, maxLength: 24 }),
        slots: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 16 }),
        firstIndex: fc.bigInt({ min: 0n, max: 2n ** 63n }),
        messages: fc.array(
          fc.record({
            indexGap: fc.bigInt({ min: 1n, max: 5n }),
            dstSpn: u64,
            sender: bytes(20),
            to: bytes(20),
            value: fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
            data: fc.uint8Array({ maxLength: 200 }).map((b) => bytesToHex(b)),
            blockOffset: fc.bigInt({ min: 0n, max: 1000n }),
            txHash: bytes(32),
          }),
          { minLength: 16, maxLength: 16 },
        ),
      })
      .map((r): ExitBatch => {
        const startIndex = 16n * r.batch
        const toBlock = r.fromBlock + r.span
        const slots = [...r.slots].sort((a, b) => a - b)
        const blocks = r.messages
          .slice(0, slots.length)
          .map((m) => r.fromBlock + (m.blockOffset % (r.span + 1n)))
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        let index = r.firstIndex
        const messages = slots.map((slot, i): ExitMessage => {
          const m = r.messages[i] as (typeof r.messages)[number]
          index += m.indexGap
          const dstSpn = m.dstSpn === 0n || m.dstSpn === r.spnId ? r.spnId + 1n : m.dstSpn
          return {
            position: startIndex + BigInt(slot),
            messageIndex: index,
            srcSpn: r.spnId,
            dstSpn: dstSpn >= 2n ** 64n ? 1n : dstSpn,
            sender: m.sender as Hex,
            to: m.to as Hex,
            value: m.value,
            data: m.data,
            block: blocks[i] as bigint,
            txHash: m.txHash,
          }
        })
        return {
          spnId: r.spnId,
          batch: r.batch,
          fromBlock: r.fromBlock,
          toBlock,
          startIndex,
          startFrontier: r.frontier,
          messages,
        }
      })
    fc.assert(
      fc.property(arbitrary, (batch) => {
        expect(decodeExitBatch(encodeExitBatch(batch))).toEqual(batch)
      }),
      { numRuns: 200 },
    )
  })

  it('refuses malformed batches on decode, naming the field', () => {
    const b = makeExitBatch(1n, 2n, 3)
    const cases: Array<[string, (f: Fields) => void]> = [
      ['(root)', (f) => f.push(new Uint8Array())],
      ['startIndex', (f) => (f[4] = uint(33n))],
      ['toBlock', (f) => (f[3] = uint(b.fromBlock - 1n))],
      ['startFrontier', (f) => (f[5] as Fields).pop()],
      ['startFrontier[3]', (f) => ((f[5] as Fields)[3] = new Uint8Array(31))],
      ['startFrontier[0]', (f) => ((f[5] as Fields)[0] = RLP.encode(BN254_P).subarray(1))],
      ['messages', (f) => (f[6] = Array.from({ length: 17 }, () => messageFields(f, 0)))],
      ['messages[1]', (f) => messageFields(f, 1).pop()],
      ['messages[0].position', (f) => (messageFields(f, 0)[0] = uint(31n))],
      ['messages[2].position', (f) => (messageFields(f, 2)[0] = uint(48n))],
      ['messages[1].position', (f) => (messageFields(f, 1)[0] = uint(32n))],
      ['messages[1].messageIndex', (f) => (messageFields(f, 1)[1] = messageFields(f, 0)[1] as Uint8Array)],
      ['messages[0].srcSpn', (f) => (messageFields(f, 0)[2] = uint(9n))],
      ['messages[0].dstSpn', (f) => (messageFields(f, 0)[3] = new Uint8Array())],
      ['messages[0].dstSpn', (f) => (messageFields(f, 0)[3] = uint(1n))],
      ['messages[0].sender', (f) => (messageFields(f, 0)[4] = new Uint8Array(19))],
      ['messages[0].value', (f) => (messageFields(f, 0)[6] = new Uint8Array(33).fill(1))],
      ['messages[0].value', (f) => (messageFields(f, 0)[6] = Uint8Array.of(0, 1))],
      ['messages[0].block', (f) => (messageFields(f, 0)[8] = uint(b.toBlock + 1n))],
      ['messages[1].block', (f) => (messageFields(f, 1)[8] = uint(b.fromBlock - 1n))],
      ['messages[0].txHash', (f) => (messageFields(f, 0)[9] = [new Uint8Array(32)])],
      [
        'messages[0].data',
        (f) => (messageFields(f, 0)[7] = new Uint8Array(MESSAGE_LIMITS.exitMessageData + 1)),
      ],
    ]
    for (const [field, mutate] of cases)
      expect(
        fieldOf(() => decodeMutated(b, mutate)),
        field,
      ).toBe(field)
    const good = encodeExitBatch(b)
    expect(() => decodeExitBatch(Uint8Array.of(...good, 0))).toThrow(/canonical RLP/)
    expect(() => decodeExitBatch(new Uint8Array(MESSAGE_LIMITS.exitBatch + 1))).toThrow(MessageTooLargeError)
  })

  it('refuses to encode what would not decode', () => {
    const b = makeExitBatch(1n, 2n, 3)
    const m0 = b.messages[0] as ExitMessage
    const withMessage = (patch: Partial<ExitMessage>): ExitBatch => ({
      ...b,
      messages: [{ ...m0, ...patch }, ...b.messages.slice(1)],
    })
    const cases: Array<[string, ExitBatch]> = [
      ['startIndex', { ...b, startIndex: 0n }],
      ['spnId', { ...b, spnId: -1n }],
      ['batch', { ...b, batch: 2n ** 64n }],
      ['startFrontier', { ...b, startFrontier: b.startFrontier.slice(1) }],
      [
        'startFrontier[0]',
        { ...b, startFrontier: [numberToHex(BN254_P, { size: 32 }), ...b.startFrontier.slice(1)] },
      ],
      ['startFrontier[0]', { ...b, startFrontier: ['0x1234', ...b.startFrontier.slice(1)] }],
      ['messages', { ...b, messages: Array.from({ length: 17 }, () => m0) }],
      ['messages[0].value', withMessage({ value: 2n ** 256n })],
      [
        'messages[0].data',
        withMessage({ data: numberToHex(1n, { size: MESSAGE_LIMITS.exitMessageData + 1 }) }),
      ],
      ['messages[0].data', withMessage({ data: '0xzz' as Hex })],
      ['messages[0].data', withMessage({ data: '0x123' })],
      ['messages[0].to', withMessage({ to: '0x1234' })],
      ['messages[0].position', withMessage({ position: 0n })],
      ['messages[1].position', { ...b, messages: [b.messages[1], m0] as ExitMessage[] }],
    ]
    for (const [field, batch] of cases)
      expect(
        fieldOf(() => encodeExitBatch(batch)),
        field,
      ).toBe(field)
  })
})
