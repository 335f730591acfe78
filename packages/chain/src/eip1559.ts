import { type NestedUint8Array, RLP } from '@ethereumjs/rlp'
import { keccak256 } from '@rollup-mesh/core'
import { bytesToBigInt, type Hex, type parseTransaction } from 'viem'

/**
 * An EIP-1559 transaction (0x02) read straight from its bytes, in the shape viem's `parseTransaction`
 * returns, with its signing hash (keccak of 0x02 and the first nine fields re-encoded as a list). Only the
 * canonical, common form: strict RLP (@ethereumjs/rlp), integers without leading zeros (nonce and chain id
 * below 2^53), a 20-byte or empty `to`, an empty access list, y parity 0 or 1, tip at most the fee cap,
 * chain id above 0. Anything else returns undefined, and viem decides (a property test holds this path to
 * viem's result on every input it accepts).
 */
export function parseCanonicalEip1559(
  raw: Hex,
): { parsed: ReturnType<typeof parseTransaction>; signingHash: Hex } | undefined {
  let fields: Uint8Array | NestedUint8Array
  try {
    fields = RLP.decode(Buffer.from(raw.slice(4), 'hex'))
  } catch {
    return undefined
  }
  if (!Array.isArray(fields) || fields.length !== 12) return undefined
  const accessList = fields[8]
  if (!Array.isArray(accessList) || accessList.length !== 0) return undefined
  const items = fields.filter((f, i): f is Uint8Array => i !== 8 && f instanceof Uint8Array)
  if (items.length !== 11) return undefined
  const [chainIdBytes, nonceBytes, tipBytes, feeBytes, gasBytes, to, valueBytes, data, yBytes, r, s] =
    items as Tuple<Uint8Array, 11>
  const ints = [chainIdBytes, nonceBytes, tipBytes, feeBytes, gasBytes, valueBytes, yBytes, r, s]
  for (const item of ints) if (item.length > 32 || item[0] === 0) return undefined
  if (to.length !== 0 && to.length !== 20) return undefined
  const int = (bytes: Uint8Array) => (bytes.length === 0 ? 0n : bytesToBigInt(bytes))
  const chainId = int(chainIdBytes)
  const nonce = int(nonceBytes)
  const tip = int(tipBytes)
  const fee = int(feeBytes)
  const yParity = int(yBytes)
  if (chainId <= 0n || chainId > MAX_SAFE || nonce > MAX_SAFE || tip > fee || yParity > 1n) return undefined
  const gas = int(gasBytes)
  const value = int(valueBytes)
  const parsed = {
    type: 'eip1559',
    chainId: Number(chainId),
    nonce: Number(nonce),
    r: `0x${hexOf(r).padStart(64, '0')}`,
    s: `0x${hexOf(s).padStart(64, '0')}`,
    v: yParity === 0n ? 27n : 28n,
    yParity: Number(yParity),
  } as ReturnType<typeof parseTransaction> & Record<string, unknown>
  if (to.length) parsed.to = `0x${hexOf(to)}`
  if (gas) parsed.gas = gas
  if (data.length) parsed.data = `0x${hexOf(data)}`
  if (value) parsed.value = value
  if (tip) parsed.maxPriorityFeePerGas = tip
  if (fee || tip) parsed.maxFeePerGas = fee
  const unsigned = RLP.encode(fields.slice(0, 9))
  const payload = new Uint8Array(1 + unsigned.length)
  payload[0] = 0x02
  payload.set(unsigned, 1)
  return { parsed, signingHash: keccak256(payload) }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** Lower-case hex digits of `bytes` (node's native encoder; no 0x). */
const hexOf = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

/** `N` values of type `T`. */
type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [T, ...R]>
