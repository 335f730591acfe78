import { type Address, bytesToHex, type Hex, isAddress, keccak256 } from '@rollup-mesh/core'
import { InvalidValidatorSetError } from './errors.js'
import { incrementProposerPriority } from './proposerPriority.js'

/** One validator: its secp256k1 address (p2p signing, coinbase), its BLS12-381 vote key and its power. */
export type Validator = {
  readonly address: Address
  /** Compressed G1 public key, 48 bytes (min-pk, as Ethereum's consensus layer). */
  readonly publicKey: Uint8Array
  readonly power: number
}

/** At most this many validators (the certificate's signer bitmap and the tests are sized for it). */
export const MAX_VALIDATORS = 256
/** Total voting power is kept well inside 2^53 so power arithmetic is exact in doubles. */
export const MAX_TOTAL_POWER = 2 ** 48

const VALIDATORS_HASH_TAG = new TextEncoder().encode('rollup-mesh/consensus/validators/v1')

/**
 * An ordered, immutable validator set. The index of a validator is its position; votes, bitmaps and
 * proposer rotation all use it. Quorum is strictly more than 2/3 of the power (`3 × power > 2 × total`).
 *
 * @example
 * ```ts
 * const set = new ValidatorSet([{ address, publicKey, power: 1 }])
 * set.hasQuorum(1) // true: 1 of 1
 * set.hash // keccak256 of the canonical encoding; headers carry it as validatorsHash
 * ```
 */
export class ValidatorSet {
  readonly validators: readonly Validator[]
  readonly totalPower: number
  /** keccak256(tag ‖ for each validator: publicKey(48) ‖ address(20) ‖ power(u64 BE)). */
  readonly hash: Hex
  readonly #byKey = new Map<string, number>()

  constructor(validators: readonly Validator[]) {
    if (validators.length === 0 || validators.length > MAX_VALIDATORS)
      throw new InvalidValidatorSetError(
        'VALIDATOR_SET_SIZE',
        `A validator set needs 1..${MAX_VALIDATORS} validators, got ${validators.length}.`,
      )
    const addresses = new Set<string>()
    let total = 0
    validators.forEach((v, i) => {
      if (!isAddress(v.address, { strict: false }))
        throw new InvalidValidatorSetError(
          'VALIDATOR_ADDRESS',
          `Validator ${i}: "address" is not a 20-byte hex address.`,
        )
      if (!(v.publicKey instanceof Uint8Array) || v.publicKey.length !== 48)
        throw new InvalidValidatorSetError(
          'VALIDATOR_PUBLIC_KEY',
          `Validator ${i}: "publicKey" must be a 48-byte compressed BLS12-381 G1 key.`,
        )
      if (!Number.isSafeInteger(v.power) || v.power <= 0)
        throw new InvalidValidatorSetError(
          'VALIDATOR_POWER',
          `Validator ${i}: "power" must be a positive integer.`,
          [`- Got ${v.power}.`],
        )
      const key = bytesToHex(v.publicKey)
      if (this.#byKey.has(key))
        throw new InvalidValidatorSetError(
          'VALIDATOR_DUPLICATE_KEY',
          `Validator ${i} repeats the BLS key of validator ${this.#byKey.get(key)}.`,
        )
      const addr = v.address.toLowerCase()
      if (addresses.has(addr))
        throw new InvalidValidatorSetError(
          'VALIDATOR_DUPLICATE_ADDRESS',
          `Validator ${i} repeats address ${v.address}.`,
        )
      this.#byKey.set(key, i)
      addresses.add(addr)
      total += v.power
    })
    if (total > MAX_TOTAL_POWER)
      throw new InvalidValidatorSetError(
        'VALIDATOR_TOTAL_POWER',
        `Total power ${total} exceeds ${MAX_TOTAL_POWER}.`,
      )
    this.validators = validators.map((v) => ({ ...v, address: v.address.toLowerCase() as Address }))
    this.totalPower = total
    this.hash = validatorsHash(this.validators)
  }

  get size(): number {
    return this.validators.length
  }

  /** Power of validator `index`, 0 when outside the set. */
  powerOf(index: number): number {
    return this.validators[index]?.power ?? 0
  }

  /** Index of the validator holding this BLS key, or -1. */
  indexOfKey(publicKey: Uint8Array): number {
    return this.#byKey.get(bytesToHex(publicKey)) ?? -1
  }

  /** Strictly more than 2/3 of the total power. */
  hasQuorum(power: number): boolean {
    return 3 * power > 2 * this.totalPower
  }

  /** Strictly more than 1/3 of the total power: at least one honest validator is among them. */
  hasOneThird(power: number): boolean {
    return 3 * power > this.totalPower
  }

  /**
   * Proposer of `round` at the `heightsSinceStart`-th height of this set: priorities stepped once per
   * height and once per round (CometBFT steps a copy per round and the kept set once per height).
   * `cache` memoises the priorities at the start of a height.
   */
  proposer(heightsSinceStart: number, round: number, cache?: ProposerCache): number {
    const powers = this.validators.map((v) => v.power)
    // One IncrementProposerPriority(1) per height, as CometBFT's state update, so the result depends on
    // (height, round) only and never on whether or where a cache was used.
    if (cache && cache.set !== this) {
      cache.set = this
      cache.byHeight.clear()
    }
    let height = 0
    let base: number[] = new Array(this.size).fill(0)
    for (const [h, p] of cache?.byHeight ?? [])
      if (h <= heightsSinceStart && h >= height) {
        height = h
        base = p
      }
    for (; height < heightsSinceStart; height++) base = incrementProposerPriority(base, powers, 1).priorities
    if (cache) {
      cache.byHeight.set(heightsSinceStart, base)
      // Keep the few most recent heights (a node asks for h and h + 1 in turn).
      if (cache.byHeight.size > 8) cache.byHeight.delete(Math.min(...cache.byHeight.keys()))
    }
    return incrementProposerPriority(base, powers, round + 1).proposer
  }
}

/** Memo of a set's priorities at the start of recent heights (mutable; owned by one caller). */
export type ProposerCache = { set: ValidatorSet | null; byHeight: Map<number, number[]> }

function validatorsHash(validators: readonly Validator[]): Hex {
  const bytes = new Uint8Array(VALIDATORS_HASH_TAG.length + validators.length * 76)
  bytes.set(VALIDATORS_HASH_TAG, 0)
  let o = VALIDATORS_HASH_TAG.length
  const view = new DataView(bytes.buffer)
  for (const v of validators) {
    bytes.set(v.publicKey, o)
    bytes.set(hexBytes(v.address), o + 48)
    view.setBigUint64(o + 68, BigInt(v.power))
    o += 76
  }
  return keccak256(bytes)
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))
}
