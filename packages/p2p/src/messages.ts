import {
  type Address,
  bytesToHex,
  type ExitBatch,
  type ExitMessage,
  type Hash,
  type Hex,
  hexToBytes,
  keccak256,
} from '@rollup-mesh/core'
import { parseTransaction, recoverAddress, serializeTransaction, type Hex as ViemHex } from 'viem'
import { sign } from 'viem/accounts'
import { InvalidMessageError, MessageTooLargeError } from './errors.js'
import { asBytes, asFixed, asList, asString, asUint, type RLPItem, rlpDecode, rlpEncode } from './rlp.js'

/** Version tag mixed into every signing hash, so a signature never verifies under another protocol or network. */
const DOMAIN = 'rollup-mesh/1'

/** Hard per-message size limits (bytes), checked before any decoding. */
export const MESSAGE_LIMITS = {
  header: 1024,
  settlement: 96 * 1024,
  /** geth's txMaxSize: 4 slots of 32 KiB. */
  tx: 128 * 1024,
  proof: 16 * 1024,
  quote: 64 * 1024,
  /** A block as served by sync: one header plus its transactions. */
  block: 8 * 1024 * 1024,
  /** An exit batch as served by sync: 16 messages of at most 32 KiB data each plus the frontier (~530 KiB). */
  exitBatch: 640 * 1024,
  /** The `data` of one exit message. */
  exitMessageData: 32 * 1024,
} as const

/** The unsigned fields of a block header, shared by main-net and SPN headers. */
export type BlockHeader = {
  number: bigint
  parentHash: Hash
  stateRoot: Hash
  txRoot: Hash
  receiptsRoot: Hash
  exitRoot: Hash
  /** Unix seconds. */
  timestamp: bigint
  gasLimit: bigint
  gasUsed: bigint
  baseFee: bigint
}

/** A header with the network's block-producer signature (65 bytes r ‖ s ‖ v, v ∈ {27, 28}, low s). */
export type SignedHeader = BlockHeader & { signature: Hex }

/** An SPN settlement (DESIGN §4), as gossiped to the main net. */
export type Settlement = {
  spnId: bigint
  fromBlock: bigint
  toBlock: bigint
  prevStateRoot: Hash
  newStateRoot: Hash
  prevExitRoot: Hash
  newExitRoot: Hash
  leaves: bigint
  /** Groth16 proof bytes (encoding owned by zk-bridge). */
  proof: Hex
  /** TEE quote bytes (encoding owned by tee-attest). */
  quote: Hex
}

/** A settlement signed by the SPN's operator (its block producer). */
export type SignedSettlement = Settlement & { signature: Hex }

/** A block as served by sync: the signed header and its raw signed Ethereum transactions. */
export type Block = { header: SignedHeader; txs: Hex[] }

/** A decoded gossiped transaction: the raw bytes, the parsed fields and the recovered sender. */
export type GossipTx = { raw: Hex; type: 'legacy' | 'eip2930' | 'eip1559'; from: Address; hash: Hash }

function checkSize(what: string, data: Uint8Array, limit: number): void {
  if (data.length > limit) throw new MessageTooLargeError({ what, size: data.length, limit })
}

// ---------- signatures ----------

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** A 65-byte signature: r and s in [1, n), s in the lower half (no malleable twin), v 27 or 28. */
function asSignature(what: string, item: RLPItem | undefined): Hex {
  const bytes = asBytes(what, 'signature', item)
  if (bytes.length !== 65)
    throw new InvalidMessageError({ what, field: 'signature', expected: '65 bytes (r ‖ s ‖ v)' })
  const r = BigInt(bytesToHex(bytes.subarray(0, 32)))
  const s = BigInt(bytesToHex(bytes.subarray(32, 64)))
  const v = bytes[64]
  if (r === 0n || r >= SECP256K1_N || s === 0n || s > SECP256K1_N / 2n || (v !== 27 && v !== 28))
    throw new InvalidMessageError({
      what,
      field: 'signature',
      expected: 'a secp256k1 signature with 0 < r < n, 0 < s ≤ n/2, v ∈ {27, 28}',
    })
  return bytesToHex(bytes)
}

// ---------- headers ----------

function headerFields(h: BlockHeader): unknown[] {
  return [
    h.number,
    hexToBytes(h.parentHash),
    hexToBytes(h.stateRoot),
    hexToBytes(h.txRoot),
    hexToBytes(h.receiptsRoot),
    hexToBytes(h.exitRoot),
    h.timestamp,
    h.gasLimit,
    h.gasUsed,
    h.baseFee,
  ]
}

function headerToRLP(h: SignedHeader): unknown[] {
  return [...headerFields(h), hexToBytes(h.signature)]
}

function headerFromRLP(item: RLPItem | undefined, what = 'header'): SignedHeader {
  const f = asList(what, '(root)', item, 11)
  const header: SignedHeader = {
    number: asUint(what, 'number', f[0], 8),
    parentHash: asFixed(what, 'parentHash', f[1], 32),
    stateRoot: asFixed(what, 'stateRoot', f[2], 32),
    txRoot: asFixed(what, 'txRoot', f[3], 32),
    receiptsRoot: asFixed(what, 'receiptsRoot', f[4], 32),
    exitRoot: asFixed(what, 'exitRoot', f[5], 32),
    timestamp: asUint(what, 'timestamp', f[6], 8),
    gasLimit: asUint(what, 'gasLimit', f[7], 8),
    gasUsed: asUint(what, 'gasUsed', f[8], 8),
    baseFee: asUint(what, 'baseFee', f[9], 32),
    signature: asSignature(what, f[10]),
  }
  if (header.gasUsed > header.gasLimit)
    throw new InvalidMessageError({ what, field: 'gasUsed', expected: 'gasUsed ≤ gasLimit' })
  return header
}

/** RLP `[number, parentHash, stateRoot, txRoot, receiptsRoot, exitRoot, timestamp, gasLimit, gasUsed, baseFee, signature]`. */
export function encodeHeader(header: SignedHeader): Uint8Array {
  return rlpEncode(headerToRLP(header))
}

/** Strict inverse of `encodeHeader`; throws `InvalidMessageError` / `MessageTooLargeError`. */
export function decodeHeader(data: Uint8Array): SignedHeader {
  checkSize('header', data, MESSAGE_LIMITS.header)
  return headerFromRLP(rlpDecode('header', data))
}

/** What the producer signs: keccak256(rlp(["rollup-mesh/1/header", network, ...fields])). */
export function headerSigningHash(network: string, header: BlockHeader): Hash {
  return keccak256(rlpEncode([`${DOMAIN}/header`, network, ...headerFields(header)]))
}

/** keccak256 of the encoded signed header: the header's identity on the wire. */
export function headerHash(header: SignedHeader): Hash {
  return keccak256(encodeHeader(header))
}

export async function signHeader(
  network: string,
  header: BlockHeader,
  privateKey: Hex,
): Promise<SignedHeader> {
  const signature = await sign({ hash: headerSigningHash(network, header), privateKey, to: 'hex' })
  return { ...stripSignature(header), signature }
}

export async function recoverHeaderSigner(network: string, header: SignedHeader): Promise<Address> {
  return recoverAddress({ hash: headerSigningHash(network, header), signature: header.signature as ViemHex })
}

function stripSignature<T extends object>(value: T): Omit<T, 'signature'> {
  const { signature: _, ...rest } = value as T & { signature?: Hex }
  return rest
}

// ---------- settlements ----------

function settlementFields(s: Settlement): unknown[] {
  return [
    s.spnId,
    s.fromBlock,
    s.toBlock,
    hexToBytes(s.prevStateRoot),
    hexToBytes(s.newStateRoot),
    hexToBytes(s.prevExitRoot),
    hexToBytes(s.newExitRoot),
    s.leaves,
    hexToBytes(s.proof),
    hexToBytes(s.quote),
  ]
}

/** RLP `[spnId, fromBlock, toBlock, prevStateRoot, newStateRoot, prevExitRoot, newExitRoot, leaves, proof, quote, signature]`. */
export function encodeSettlement(s: SignedSettlement): Uint8Array {
  return rlpEncode([...settlementFields(s), hexToBytes(s.signature)])
}

export function decodeSettlement(data: Uint8Array): SignedSettlement {
  const what = 'settlement'
  checkSize(what, data, MESSAGE_LIMITS.settlement)
  const f = asList(what, '(root)', rlpDecode(what, data), 11)
  const s: SignedSettlement = {
    spnId: asUint(what, 'spnId', f[0], 8),
    fromBlock: asUint(what, 'fromBlock', f[1], 8),
    toBlock: asUint(what, 'toBlock', f[2], 8),
    prevStateRoot: asFixed(what, 'prevStateRoot', f[3], 32),
    newStateRoot: asFixed(what, 'newStateRoot', f[4], 32),
    prevExitRoot: asFixed(what, 'prevExitRoot', f[5], 32),
    newExitRoot: asFixed(what, 'newExitRoot', f[6], 32),
    leaves: asUint(what, 'leaves', f[7], 8),
    proof: bytesToHex(asBytes(what, 'proof', f[8], MESSAGE_LIMITS.proof)),
    quote: bytesToHex(asBytes(what, 'quote', f[9], MESSAGE_LIMITS.quote)),
    signature: asSignature(what, f[10]),
  }
  if (s.toBlock < s.fromBlock)
    throw new InvalidMessageError({ what, field: 'toBlock', expected: 'toBlock ≥ fromBlock' })
  return s
}

/** What the SPN operator signs: keccak256(rlp(["rollup-mesh/1/settlement", network, ...fields])). */
export function settlementSigningHash(network: string, s: Settlement): Hash {
  return keccak256(rlpEncode([`${DOMAIN}/settlement`, network, ...settlementFields(s)]))
}

export async function signSettlement(
  network: string,
  s: Settlement,
  privateKey: Hex,
): Promise<SignedSettlement> {
  const signature = await sign({ hash: settlementSigningHash(network, s), privateKey, to: 'hex' })
  return { ...stripSignature(s), signature }
}

export async function recoverSettlementSigner(network: string, s: SignedSettlement): Promise<Address> {
  return recoverAddress({ hash: settlementSigningHash(network, s), signature: s.signature as ViemHex })
}

// ---------- transactions ----------

const TX_TYPES = { legacy: true, eip2930: true, eip1559: true } as const

/**
 * A gossiped transaction is its standard signed serialization (legacy RLP or an EIP-2718 envelope).
 * Decoding parses it, requires a signature, requires the bytes to be the canonical re-serialization,
 * and recovers the sender.
 */
export async function decodeTx(data: Uint8Array): Promise<GossipTx> {
  const what = 'transaction'
  checkSize(what, data, MESSAGE_LIMITS.tx)
  const raw = bytesToHex(data)
  let parsed: ReturnType<typeof parseTransaction>
  try {
    parsed = parseTransaction(raw)
  } catch {
    throw new InvalidMessageError({
      what,
      field: '(envelope)',
      expected: 'a signed legacy, EIP-2930 or EIP-1559 transaction',
    })
  }
  const type = parsed.type
  if (!type || !(type in TX_TYPES))
    throw new InvalidMessageError({ what, field: 'type', expected: 'legacy, eip2930 or eip1559' })
  if (parsed.r === undefined || parsed.s === undefined)
    throw new InvalidMessageError({ what, field: 'signature', expected: 'a signed transaction' })
  // One parse, two serialisations: the signed one must reproduce the input byte for byte (canonical
  // form), the unsigned one is what the sender signed (so the sender is recovered without a re-parse).
  let canonical: Hex
  let signingHash: Hash
  const { r, s, v, yParity, ...unsigned } = parsed
  try {
    const tx = unsigned as Parameters<typeof serializeTransaction>[0]
    canonical = serializeTransaction(tx, {
      r,
      s,
      ...(v !== undefined ? { v } : {}),
      ...(yParity !== undefined ? { yParity } : {}),
    } as Parameters<typeof serializeTransaction>[1])
    signingHash = keccak256(serializeTransaction(tx))
  } catch {
    throw new InvalidMessageError({ what, field: '(envelope)', expected: 'a re-serializable transaction' })
  }
  if (canonical.toLowerCase() !== raw.toLowerCase())
    throw new InvalidMessageError({
      what,
      field: '(envelope)',
      expected: 'the canonical serialization of the transaction',
    })
  let from: Address
  try {
    const parity = yParity ?? (v === 27n || (v !== undefined && v >= 35n && v % 2n === 1n) ? 0 : 1)
    from = await recoverAddress({ hash: signingHash, signature: { r, s, yParity: parity } })
  } catch {
    throw new InvalidMessageError({ what, field: 'signature', expected: 'a recoverable secp256k1 signature' })
  }
  return { raw, type: type as GossipTx['type'], from, hash: keccak256(data) }
}

export function encodeTx(raw: Hex): Uint8Array {
  const bytes = hexToBytes(raw)
  checkSize('transaction', bytes, MESSAGE_LIMITS.tx)
  return bytes
}

// ---------- blocks (sync only) ----------

export function blockToRLP(block: Block): unknown[] {
  return [headerToRLP(block.header), block.txs.map((t) => hexToBytes(t))]
}

export function blockFromRLP(item: RLPItem | undefined): Block {
  const what = 'block'
  const f = asList(what, '(root)', item, 2)
  const header = headerFromRLP(f[0], 'block header')
  const txs = asList(what, 'txs', f[1]).map((t, i) =>
    bytesToHex(asBytes(what, `txs[${i}]`, t, MESSAGE_LIMITS.tx)),
  )
  return { header, txs }
}

export function encodeBlock(block: Block): Uint8Array {
  return rlpEncode(blockToRLP(block))
}

export function decodeBlock(data: Uint8Array): Block {
  checkSize('block', data, MESSAGE_LIMITS.block)
  return blockFromRLP(rlpDecode('block', data))
}

export { headerFromRLP, headerToRLP }

/** Decoded network name used inside sync requests. */
export function decodeNetworkName(what: string, item: RLPItem | undefined): string {
  return asString(what, 'network', item, 32)
}

// ---------- exit batches (sync only) ----------

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
