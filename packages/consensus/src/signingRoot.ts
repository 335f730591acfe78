import { type Hex, hexToBytes, keccak256 } from '@rollup-mesh/core'
import type { VoteType } from './types.js'

const enc = new TextEncoder()
/** Message domains: every signed message starts with one, so a signature for one kind is useless as another. */
export const DOMAINS = {
  prevote: enc.encode('rollup-mesh/consensus/prevote/v1'),
  precommit: enc.encode('rollup-mesh/consensus/precommit/v1'),
  proposal: enc.encode('rollup-mesh/consensus/proposal/v1'),
  pop: enc.encode('rollup-mesh/consensus/pop/v1'),
} as const

const NIL = new Uint8Array(32)

/** What a vote signature commits to: the chain, the position, the value and the set that counts it. */
export type VoteSigningFields = {
  readonly chainId: number
  readonly type: VoteType
  readonly height: number
  readonly round: number
  /** null for nil (signed as 32 zero bytes). */
  readonly value: Hex | null
  readonly validatorsHash: Hex
}

/**
 * keccak256(domain ‖ chainId u64 ‖ height u64 ‖ round u32 ‖ value 32 ‖ validatorsHash 32). The commit
 * certificate's aggregate is over the precommit root of its block, so every signer signed the same bytes.
 *
 * @example
 * ```ts
 * const root = voteSigningRoot({ chainId: 900, type: 'precommit', height: 1, round: 0, value, validatorsHash })
 * root.length // 32
 * ```
 */
export function voteSigningRoot(f: VoteSigningFields): Uint8Array {
  return root(DOMAINS[f.type], f.chainId, f.height, f.round, f.value, f.validatorsHash, -1)
}

/** The proposal's root: as a vote's under the proposal domain, plus its valid round (i32). */
export function proposalSigningRoot(f: {
  chainId: number
  height: number
  round: number
  value: Hex
  validRound: number
  validatorsHash: Hex
}): Uint8Array {
  return root(DOMAINS.proposal, f.chainId, f.height, f.round, f.value, f.validatorsHash, f.validRound)
}

/** The proof-of-possession root: the key itself under its own domain. */
export function popSigningRoot(publicKey: Uint8Array): Uint8Array {
  const b = new Uint8Array(DOMAINS.pop.length + publicKey.length)
  b.set(DOMAINS.pop)
  b.set(publicKey, DOMAINS.pop.length)
  return keccak256(b, 'bytes')
}

function root(
  domain: Uint8Array,
  chainId: number,
  height: number,
  round: number,
  value: Hex | null,
  validatorsHash: Hex,
  validRound: number,
): Uint8Array {
  const b = new Uint8Array(domain.length + 8 + 8 + 4 + 32 + 32 + (domain === DOMAINS.proposal ? 4 : 0))
  const view = new DataView(b.buffer)
  let o = 0
  b.set(domain, o)
  o += domain.length
  view.setBigUint64(o, BigInt(chainId))
  view.setBigUint64(o + 8, BigInt(height))
  view.setUint32(o + 16, round)
  o += 20
  b.set(value ? hexToBytes(value) : NIL, o)
  b.set(hexToBytes(validatorsHash), o + 32)
  if (domain === DOMAINS.proposal) view.setInt32(o + 64, validRound)
  return keccak256(b, 'bytes')
}
