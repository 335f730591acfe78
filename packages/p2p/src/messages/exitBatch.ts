import { bytesToHex, type ExitBatch, type ExitMessage, type Hex } from '@rollup-mesh/core'
import { InvalidMessageError } from '../errors.js'
import { asBytes, asFixed, asList, asUint, type RLPItem, rlpDecode, rlpEncode } from '../rlp.js'
import { checkSize, MESSAGE_LIMITS } from './limits.js'

/** Leaves per settlement batch: batch `b` holds exit-tree positions `[16b, 16b + 16)`. */
const EXIT_BATCH_SIZE = 16
/** Depth of the exit tree, so the number of words in a frontier. */
const EXIT_TREE_DEPTH = 24
/** The BN254 scalar field: every exit-tree node (so every frontier word) is below it. */
const BN254_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n

const EXIT_BATCH = 'exit batch'

/** The item as an RLP string of at most `bytes` bytes; refuses negative, fractional and too large values. */
function uintToRLP(field: string, value: bigint, bytes: number): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << BigInt(8 * bytes))
    throw new InvalidMessageError({
      what: EXIT_BATCH,
      field,
      expected: `a bigint in [0, 2^${8 * bytes}), got ${String(value)}`,
    })
  return value
}

const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/

function hexToRLP(field: string, value: Hex, bytes?: number, maxBytes?: number): Uint8Array {
  if (typeof value !== 'string' || !HEX_BYTES.test(value))
    throw new InvalidMessageError({
      what: EXIT_BATCH,
      field,
      expected: 'a 0x-prefixed hex string of whole bytes',
    })
  // Buffer instead of viem's hexToBytes: 16 × 32 KiB of data in ~1 ms instead of ~7 ms
  const out: Uint8Array = Buffer.from(value.slice(2), 'hex')
  if (bytes !== undefined && out.length !== bytes)
    throw new InvalidMessageError({
      what: EXIT_BATCH,
      field,
      expected: `exactly ${bytes} bytes, got ${out.length}`,
    })
  if (maxBytes !== undefined && out.length > maxBytes)
    throw new InvalidMessageError({
      what: EXIT_BATCH,
      field,
      expected: `at most ${maxBytes} bytes, got ${out.length}`,
    })
  return out
}

function checkFrontierWord(field: string, word: Uint8Array): void {
  if (BigInt(bytesToHex(word)) >= BN254_FIELD)
    throw new InvalidMessageError({
      what: EXIT_BATCH,
      field,
      expected: 'a BN254 scalar field element (an exit-tree node)',
    })
}

function checkListLength(field: string, length: number, min: number, max: number): void {
  if (length < min || length > max)
    throw new InvalidMessageError({
      what: EXIT_BATCH,
      field,
      expected: min === max ? `exactly ${min} items, got ${length}` : `${min}..${max} items, got ${length}`,
    })
}

function exitMessageToRLP(m: ExitMessage, i: number): unknown[] {
  const f = (name: string) => `messages[${i}].${name}`
  return [
    uintToRLP(f('position'), m.position, 8),
    uintToRLP(f('messageIndex'), m.messageIndex, 8),
    uintToRLP(f('srcSpn'), m.srcSpn, 8),
    uintToRLP(f('dstSpn'), m.dstSpn, 8),
    hexToRLP(f('sender'), m.sender, 20),
    hexToRLP(f('to'), m.to, 20),
    uintToRLP(f('value'), m.value, 32),
    hexToRLP(f('data'), m.data, undefined, MESSAGE_LIMITS.exitMessageData),
    uintToRLP(f('block'), m.block, 8),
    hexToRLP(f('txHash'), m.txHash, 32),
  ]
}

/**
 * The RLP fields of an exit batch (as nested in a sync response), after the checks `exitBatchFromRLP`
 * makes, so they always decode; throws `InvalidMessageError` naming the field.
 */
export function exitBatchToRLP(b: ExitBatch): unknown[] {
  if (!Array.isArray(b.startFrontier) || !Array.isArray(b.messages))
    throw new InvalidMessageError({
      what: EXIT_BATCH,
      field: Array.isArray(b.startFrontier) ? 'messages' : 'startFrontier',
      expected: 'an array',
    })
  checkListLength('startFrontier', b.startFrontier.length, EXIT_TREE_DEPTH, EXIT_TREE_DEPTH)
  checkListLength('messages', b.messages.length, 0, EXIT_BATCH_SIZE)
  const fields = [
    uintToRLP('spnId', b.spnId, 8),
    uintToRLP('batch', b.batch, 8),
    uintToRLP('fromBlock', b.fromBlock, 8),
    uintToRLP('toBlock', b.toBlock, 8),
    uintToRLP('startIndex', b.startIndex, 8),
    b.startFrontier.map((w, i) => {
      const word = hexToRLP(`startFrontier[${i}]`, w, 32)
      checkFrontierWord(`startFrontier[${i}]`, word)
      return word
    }),
    b.messages.map(exitMessageToRLP),
  ]
  checkExitBatch(b)
  return fields
}

/**
 * Hex of message data through node's Buffer: viem's `bytesToHex` builds the string one byte at a time, which
 * for 16 × 32 KiB costs ~60 ms per batch, mostly in the garbage collector (Buffer: under 1 ms).
 */
function dataToHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}`
}

function exitMessageFromRLP(item: RLPItem | undefined, i: number): ExitMessage {
  const what = EXIT_BATCH
  const name = (field: string) => `messages[${i}].${field}`
  const f = asList(what, `messages[${i}]`, item, 10)
  return {
    position: asUint(what, name('position'), f[0], 8),
    messageIndex: asUint(what, name('messageIndex'), f[1], 8),
    srcSpn: asUint(what, name('srcSpn'), f[2], 8),
    dstSpn: asUint(what, name('dstSpn'), f[3], 8),
    sender: asFixed(what, name('sender'), f[4], 20),
    to: asFixed(what, name('to'), f[5], 20),
    value: asUint(what, name('value'), f[6], 32),
    data: dataToHex(asBytes(what, name('data'), f[7], MESSAGE_LIMITS.exitMessageData)),
    block: asUint(what, name('block'), f[8], 8),
    txHash: asFixed(what, name('txHash'), f[9], 32),
  }
}

/** Strict decoding of the fields of one exit batch (see `ExitBatch` for every rule checked). */
export function exitBatchFromRLP(item: RLPItem | undefined): ExitBatch {
  const what = EXIT_BATCH
  const f = asList(what, '(root)', item, 7)
  const batch: ExitBatch = {
    spnId: asUint(what, 'spnId', f[0], 8),
    batch: asUint(what, 'batch', f[1], 8),
    fromBlock: asUint(what, 'fromBlock', f[2], 8),
    toBlock: asUint(what, 'toBlock', f[3], 8),
    startIndex: asUint(what, 'startIndex', f[4], 8),
    startFrontier: asList(what, 'startFrontier', f[5], EXIT_TREE_DEPTH).map((w, i) => {
      const word = asBytes(what, `startFrontier[${i}]`, w)
      if (word.length !== 32)
        throw new InvalidMessageError({
          what,
          field: `startFrontier[${i}]`,
          expected: `exactly 32 bytes, got ${word.length}`,
        })
      checkFrontierWord(`startFrontier[${i}]`, word)
      return bytesToHex(word)
    }),
    messages: [],
  }
  const messages = asList(what, 'messages', f[6])
  checkListLength('messages', messages.length, 0, EXIT_BATCH_SIZE)
  batch.messages = messages.map(exitMessageFromRLP)
  checkExitBatch(batch)
  return batch
}

function checkExitBatch(b: ExitBatch): void {
  const what = EXIT_BATCH
  const fail = (field: string, expected: string): never => {
    throw new InvalidMessageError({ what, field, expected })
  }
  const size = BigInt(EXIT_BATCH_SIZE)
  if (b.toBlock < b.fromBlock) fail('toBlock', `toBlock ≥ fromBlock (${b.fromBlock}), got ${b.toBlock}`)
  if (b.startIndex !== b.batch * size)
    fail('startIndex', `16 × batch = ${b.batch * size}, got ${b.startIndex}`)
  const end = b.startIndex + size
  let prev: ExitMessage | undefined
  b.messages.forEach((m, i) => {
    const field = (name: string) => `messages[${i}].${name}`
    if (m.position < b.startIndex || m.position >= end)
      fail(field('position'), `a position in [${b.startIndex}, ${end}), got ${m.position}`)
    if (prev && m.position <= prev.position)
      fail(field('position'), `positions strictly increasing, got ${m.position} after ${prev.position}`)
    if (prev && m.messageIndex <= prev.messageIndex)
      fail(
        field('messageIndex'),
        `message indexes strictly increasing, got ${m.messageIndex} after ${prev.messageIndex}`,
      )
    if (m.block < b.fromBlock || m.block > b.toBlock)
      fail(field('block'), `a block in [${b.fromBlock}, ${b.toBlock}], got ${m.block}`)
    if (prev && m.block < prev.block)
      fail(field('block'), `blocks in non-decreasing order, got ${m.block} after ${prev.block}`)
    if (m.srcSpn !== b.spnId) fail(field('srcSpn'), `the batch's spnId ${b.spnId}, got ${m.srcSpn}`)
    if (m.dstSpn === 0n || m.dstSpn === b.spnId)
      fail(field('dstSpn'), `another SPN's id (not 0, not ${b.spnId}), got ${m.dstSpn}`)
    prev = m
  })
}

/**
 * RLP `[spnId, batch, fromBlock, toBlock, startIndex, [frontier word × 24], [[position, messageIndex, srcSpn,
 * dstSpn, sender, to, value, data, block, txHash] × 0..16]]`. Checks the batch as `decodeExitBatch` does, so
 * what it returns always decodes; throws `InvalidMessageError` / `MessageTooLargeError`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import type { ExitBatch } from '@rollup-mesh/core'
 * import { decodeExitBatch, encodeExitBatch } from '@rollup-mesh/p2p/wire'
 *
 * const batch: ExitBatch = {
 *   spnId: 1n,
 *   batch: 2n,
 *   fromBlock: 10n,
 *   toBlock: 12n,
 *   startIndex: 32n, // 16 × batch
 *   startFrontier: Array.from({ length: 24 }, () => `0x${'00'.repeat(32)}` as const),
 *   messages: [
 *     {
 *       position: 32n,
 *       messageIndex: 0n,
 *       srcSpn: 1n,
 *       dstSpn: 2n,
 *       sender: '0x00000000000000000000000000000000000000bb',
 *       to: '0x00000000000000000000000000000000000000aa',
 *       value: 5n,
 *       data: '0x1234',
 *       block: 11n,
 *       txHash: `0x${'11'.repeat(32)}`,
 *     },
 *   ],
 * }
 * assert.deepEqual(decodeExitBatch(encodeExitBatch(batch)), batch)
 * // a message from another SPN does not belong in this batch
 * const foreign = { ...batch, messages: [{ ...batch.messages[0]!, srcSpn: 3n }] }
 * assert.throws(() => encodeExitBatch(foreign), { code: 'P2P_MESSAGE_INVALID' })
 * ```
 */
export function encodeExitBatch(batch: ExitBatch): Uint8Array {
  const data = rlpEncode(exitBatchToRLP(batch))
  checkSize(EXIT_BATCH, data, MESSAGE_LIMITS.exitBatch)
  return data
}

/**
 * Strict inverse of `encodeExitBatch` (core's `ExitBatch`); throws `InvalidMessageError` / `MessageTooLargeError`
 * naming the field.
 *
 * Unsigned on purpose: the receiver authenticates a batch by appending the leaves of `messages` (and empty
 * leaves for the gaps) to `startFrontier` and comparing the resulting root with the root the main net
 * finalized, so a signature would add nothing. Decoding only checks the shape and internal consistency:
 * - `startIndex` = 16 × `batch`; `startFrontier` exactly 24 words of 32 bytes, each below the BN254 field;
 * - 0..16 messages, positions strictly increasing within `[startIndex, startIndex + 16)`, message indexes
 *   strictly increasing, blocks non-decreasing within `[fromBlock, toBlock]`;
 * - every message's `srcSpn` is `spnId`, its `dstSpn` is neither 0 nor `spnId`; `value` < 2^256; `data`
 *   at most 32 KiB; the whole encoding at most `MESSAGE_LIMITS.exitBatch`.
 * Addresses and hashes decode as lower-case hex.
 */
export function decodeExitBatch(data: Uint8Array): ExitBatch {
  checkSize(EXIT_BATCH, data, MESSAGE_LIMITS.exitBatch)
  return exitBatchFromRLP(rlpDecode(EXIT_BATCH, data))
}
