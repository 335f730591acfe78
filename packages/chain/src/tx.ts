import { type ExecutableTx, InvalidParameterError, keccak256 } from '@rollup-mesh/core'
import {
  type Address,
  type Hex,
  hexToBytes,
  isAddress,
  isHex,
  parseTransaction,
  serializeTransaction,
  size as sizeOf,
  type TransactionSerializable,
} from 'viem'
import {
  parseTransaction as parseOpStackTransaction,
  serializeTransaction as serializeOpStackTransaction,
} from 'viem/op-stack'
import { parseCanonicalEip1559 } from './eip1559.js'
import { TxRejectedError } from './errors.js'
import { recoverSigner } from './secp256k1.js'

/** A decoded, signature-checked transaction with its sender: what the mempool holds. */
export type SignedTx = ExecutableTx & {
  /** The signed encoding as received (`eth_sendRawTransaction`'s argument). */
  raw: Hex
  size: number
  chainId: bigint
  /** Max total fee per gas: `maxFeePerGas`, or `gasPrice` for legacy/EIP-2930. */
  feeCap: bigint
  /** Max priority fee per gas: `maxPriorityFeePerGas`, or `gasPrice`. */
  tipCap: bigint
  v: bigint
  r: Hex
  s: Hex
  yParity: number
}

/** Transactions above this size are refused (geth's txMaxSize). */
export const MAX_TX_SIZE = 128 * 1024

const SECP256K1_N_HALF = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n

/** A stored transaction's type, from its first byte (no decoding). */
export function txTypeOfRaw(raw: Hex): SignedTx['type'] {
  const first = Number.parseInt(raw.slice(2, 4), 16)
  if (first === 0x01) return 'eip2930'
  if (first === 0x02) return 'eip1559'
  if (first === DEPOSIT_TX_TYPE) return 'deposit'
  if (first >= 0xc0) return 'legacy'
  throw new TxRejectedError('UNSUPPORTED_TYPE', `transaction type not supported: 0x${raw.slice(2, 4)}`)
}

/**
 * Gas a transaction must provide before executing anything (EIP-2028,
 * EIP-2930, EIP-3860), and at least the EIP-7623 calldata floor.
 */
export function intrinsicGas(tx: {
  to: Address | null
  data: Hex
  accessList?: readonly { address: Address; storageKeys: readonly Hex[] }[] | undefined
}): bigint {
  let gas = 21_000n
  const data = hexToBytes(tx.data)
  let zeros = 0
  for (const b of data) if (b === 0) zeros++
  gas += BigInt(zeros) * 4n + BigInt(data.length - zeros) * 16n
  if (tx.to === null) gas += 32_000n + 2n * BigInt(Math.ceil(data.length / 32))
  for (const entry of tx.accessList ?? []) gas += 2400n + 1900n * BigInt(entry.storageKeys.length)
  const floor = 21_000n + (BigInt(zeros) + BigInt(data.length - zeros) * 4n) * 10n
  return gas > floor ? gas : floor
}

function reject(reason: ConstructorParameters<typeof TxRejectedError>[0], message: string): never {
  throw new TxRejectedError(reason, message)
}

/** A parsed transaction before sender recovery, with what recovery needs. */
export type ParsedSignedTx = { tx: Omit<SignedTx, 'from'>; signingHash: Hex; recid: number }

/**
 * Parses a signed transaction and checks encoding, type (legacy with EIP-155,
 * EIP-2930, EIP-1559), size, chain id and signature shape (no recovery);
 * throws `TxRejectedError` with geth's message otherwise.
 */
export function parseSignedTx(raw: Hex, chainId: bigint): ParsedSignedTx {
  if (typeof raw !== 'string' || !/^0x[0-9a-fA-F]*$/.test(raw) || raw.length % 2 !== 0)
    reject('INVALID_ENCODING', 'invalid transaction: expected 0x-prefixed hex bytes')
  const size = (raw.length - 2) / 2
  if (size > MAX_TX_SIZE)
    reject('OVERSIZED', `oversized data: transaction size ${size}, limit ${MAX_TX_SIZE}`)
  if (size === 0) reject('INVALID_ENCODING', 'invalid transaction: empty')
  const first = Number.parseInt(raw.slice(2, 4), 16)
  if (first < 0x7f && first !== 0x01 && first !== 0x02)
    reject('UNSUPPORTED_TYPE', `transaction type not supported: 0x${first.toString(16)}`)
  // EIP-1559 transactions in canonical form take a direct path over the bytes (viem's parse and
  // re-serialisation were a third of a transaction's decoding); anything else goes through viem.
  const fast = first === 0x02 ? parseCanonicalEip1559(raw) : undefined
  let parsed: ReturnType<typeof parseTransaction>
  if (fast) parsed = fast.parsed
  else
    try {
      parsed = parseTransaction(raw)
    } catch (err) {
      return reject('INVALID_ENCODING', `rlp: invalid transaction encoding (${(err as Error).name})`)
    }
  const type = parsed.type
  if (type !== 'legacy' && type !== 'eip2930' && type !== 'eip1559')
    reject('UNSUPPORTED_TYPE', `transaction type not supported: ${type}`)
  const { r, s } = parsed
  if (!r || !s) return reject('INVALID_SIGNATURE', 'invalid sender: transaction is not signed')
  let recid: number
  let txChainId: bigint | undefined
  const v = parsed.v ?? (parsed.yParity !== undefined ? BigInt(parsed.yParity) : undefined)
  if (type === 'legacy') {
    if (v === undefined) return reject('INVALID_SIGNATURE', 'invalid sender: missing v')
    if (v === 27n || v === 28n)
      reject('WRONG_CHAIN_ID', 'only replay-protected (EIP-155) transactions allowed over RPC')
    txChainId = (v - 35n) / 2n
    recid = Number((v - 35n) % 2n)
  } else {
    txChainId = parsed.chainId !== undefined ? BigInt(parsed.chainId) : undefined
    recid = parsed.yParity ?? -1
  }
  if (txChainId !== chainId)
    reject('WRONG_CHAIN_ID', `invalid chain id for signer: have ${txChainId ?? 'none'} want ${chainId}`)
  const sBig = BigInt(s)
  const rBig = BigInt(r)
  if (recid !== 0 && recid !== 1) reject('INVALID_SIGNATURE', 'invalid sender: invalid signature recovery id')
  if (rBig === 0n || sBig === 0n || sBig > SECP256K1_N_HALF)
    reject('INVALID_SIGNATURE', 'invalid sender: invalid transaction v, r, s values')

  const signingHash = fast ? fast.signingHash : viemSigningHash(parsed, chainId)

  const gasPrice = parsed.gasPrice
  const feeCap = type === 'eip1559' ? (parsed.maxFeePerGas ?? 0n) : (gasPrice ?? 0n)
  const tipCap = type === 'eip1559' ? (parsed.maxPriorityFeePerGas ?? 0n) : (gasPrice ?? 0n)
  const tx: Omit<SignedTx, 'from'> = {
    hash: keccak256(raw),
    type,
    nonce: BigInt(parsed.nonce ?? 0),
    to: parsed.to ? (parsed.to.toLowerCase() as Address) : null,
    value: parsed.value ?? 0n,
    data: parsed.data ?? '0x',
    gas: parsed.gas ?? 0n,
    raw: raw.toLowerCase() as Hex,
    size,
    chainId,
    feeCap,
    tipCap,
    v: v ?? 0n,
    r,
    s,
    yParity: recid,
  }
  if (type === 'eip1559') {
    tx.maxFeePerGas = feeCap
    tx.maxPriorityFeePerGas = tipCap
  } else tx.gasPrice = gasPrice ?? 0n
  if (type !== 'legacy')
    tx.accessList = (parsed.accessList ?? []).map((e) => ({
      address: e.address.toLowerCase() as Address,
      storageKeys: e.storageKeys.map((k) => k.toLowerCase() as Hex),
    }))
  return { tx, signingHash, recid }
}

/** The signing hash of a transaction viem parsed: its unsigned form re-serialised (legacy: with EIP-155's chain id). */
function viemSigningHash(parsed: ReturnType<typeof parseTransaction>, chainId: bigint): Hex {
  const unsigned = { ...parsed } as TransactionSerializable & Record<string, unknown>
  delete unsigned.r
  delete unsigned.s
  delete unsigned.v
  delete unsigned.yParity
  if (parsed.type === 'legacy') unsigned.chainId = Number(chainId)
  return keccak256(serializeTransaction(unsigned))
}

/** Parses, checks and recovers the sender of a signed transaction (native secp256k1 when it loads). */
export async function decodeSignedTx(raw: Hex, chainId: bigint): Promise<SignedTx> {
  const { tx, signingHash, recid } = parseSignedTx(raw, chainId)
  let from: Address
  try {
    from = await recoverSigner(signingHash, tx.r, tx.s, recid)
  } catch {
    return reject('INVALID_SIGNATURE', 'invalid sender: signature does not recover a public key')
  }
  return { ...tx, from }
}

/**
 * A stored transaction whose sender was recovered when it was accepted (no recovery again). Deposits
 * (0x7e) are read back with `decodeDepositTx`; their `nonce` is 0 here (the store keeps the nonce the
 * deposit used in its receipt, `depositNonce`).
 */
export function signedTxWithSender(raw: Hex, chainId: bigint, from: Address): SignedTx {
  if (isDepositRaw(raw)) return decodeDepositTx(raw, chainId)
  return { ...parseSignedTx(raw, chainId).tx, from: from.toLowerCase() as Address }
}

/** OP Stack's deposit transaction type byte. */
export const DEPOSIT_TX_TYPE = 0x7e

/** What `depositTx` builds a deposit from (OP Stack's deposit fields; `isSystemTx` is always false). */
export type DepositTxParameters = {
  /** Unique id of the deposit (32 bytes), e.g. a hash of the source message. */
  sourceHash: Hex
  /** The account credited with `mint` and charged `value`; its nonce is bumped. */
  from: Address
  /** `null` creates a contract. */
  to: Address | null
  /** Wei credited to `from` before execution. Default 0. */
  mint?: bigint
  /** Wei sent from `from` to `to`. Default 0. */
  value?: bigint
  /** Gas limit: at least the intrinsic gas, or the executor skips the deposit. */
  gas: bigint
  data?: Hex
  /** The chain the deposit is executed on (not part of the encoding, as in OP Stack). */
  chainId: bigint
}

/** Whether `raw` is a deposit (type 0x7e) encoding. */
export function isDepositRaw(raw: Hex): boolean {
  return raw.length >= 4 && raw.slice(0, 4).toLowerCase() === '0x7e'
}

/**
 * Builds a deposit (system) transaction the block producer places at the start of a block (see
 * `Chain.setBlockStartHook`): `raw` is viem's OP Stack serialisation (0x7e…), `hash = keccak256(raw)`,
 * no signature (v, r, s zero) and no fee (feeCap, tipCap 0). Never accepted from users over RPC.
 */
export function depositTx(params: DepositTxParameters): SignedTx {
  const { sourceHash, from, to, gas, chainId } = params
  const mint = params.mint ?? 0n
  const value = params.value ?? 0n
  const data = params.data ?? '0x'
  if (!isHex(sourceHash) || sizeOf(sourceHash) !== 32)
    throw new InvalidParameterError({ param: 'sourceHash', expected: '32 bytes of 0x hex', got: sourceHash })
  if (!isAddress(from, { strict: false }))
    throw new InvalidParameterError({ param: 'from', expected: 'an address', got: from })
  if (to !== null && !isAddress(to, { strict: false }))
    throw new InvalidParameterError({ param: 'to', expected: 'an address or null (creation)', got: to })
  if (!isHex(data)) throw new InvalidParameterError({ param: 'data', expected: '0x hex bytes', got: data })
  for (const [name, v] of [
    ['mint', mint],
    ['value', value],
    ['gas', gas],
  ] as const)
    if (typeof v !== 'bigint' || v < 0n || v >= 1n << 256n)
      throw new InvalidParameterError({ param: name, expected: 'a bigint from 0 to 2^256 - 1', got: v })
  const raw = serializeOpStackTransaction({
    type: 'deposit',
    sourceHash: sourceHash.toLowerCase() as Hex,
    from: from.toLowerCase() as Address,
    ...(to !== null ? { to: to.toLowerCase() as Address } : {}),
    mint,
    value,
    gas,
    data: data.toLowerCase() as Hex,
    isSystemTx: false,
  })
  return decodeDepositTx(raw, chainId)
}

/**
 * Reads a deposit encoding (0x7e) back into a `SignedTx` (viem's OP Stack parser); throws
 * `TxRejectedError` when `raw` is not a deposit.
 */
export function decodeDepositTx(raw: Hex, chainId: bigint): SignedTx {
  if (!isDepositRaw(raw)) reject('UNSUPPORTED_TYPE', 'not a deposit transaction: expected type 0x7e')
  let parsed: ReturnType<typeof parseOpStackTransaction>
  try {
    parsed = parseOpStackTransaction(raw as `0x7e${string}`)
  } catch (err) {
    return reject('INVALID_ENCODING', `rlp: invalid deposit transaction encoding (${(err as Error).name})`)
  }
  if (parsed.type !== 'deposit' || !parsed.from || !parsed.sourceHash)
    return reject('INVALID_ENCODING', 'rlp: invalid deposit transaction encoding')
  const lower = raw.toLowerCase() as Hex
  return {
    hash: keccak256(lower),
    type: 'deposit',
    from: parsed.from.toLowerCase() as Address,
    nonce: 0n,
    to: parsed.to ? (parsed.to.toLowerCase() as Address) : null,
    value: parsed.value ?? 0n,
    data: (parsed.data ?? '0x').toLowerCase() as Hex,
    gas: parsed.gas ?? 0n,
    mint: parsed.mint ?? 0n,
    sourceHash: parsed.sourceHash.toLowerCase() as Hex,
    raw: lower,
    size: (lower.length - 2) / 2,
    chainId,
    feeCap: 0n,
    tipCap: 0n,
    v: 0n,
    r: '0x0',
    s: '0x0',
    yParity: 0,
  }
}
