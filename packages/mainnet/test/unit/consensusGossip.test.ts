import { blsKeyPairFromSeed, encodeVote, signVote, ValidatorSchedule } from '@rollup-mesh/consensus'
import { devAccounts } from '@rollup-mesh/core'
import { hexToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { consensusVerdict, verifiedMessages } from '../../src/consensus/consensusGossip.js'
import { proposalThrottle } from '../../src/consensus/proposalThrottle.js'
import { blsSeedOf, genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'

const keys = devAccounts(5).map((a) => a.privateKey)
const validators = keys.slice(0, 4).map((k) => genesisValidatorOf(k))
const set = validatorSetOfConfig(validators)
const schedule = new ValidatorSchedule(set, { firstHeight: 1, epochLength: 100 })
const ctx = { chainId: 900, height: 10, schedule }
const secret = (k: `0x${string}`) => blsKeyPairFromSeed(hexToBytes(blsSeedOf(k))).secretKey
const value = `0x${'ab'.repeat(32)}` as const

function vote(height: number, validator: number, key = keys[validator] as `0x${string}`, chainId = 900) {
  const v = { type: 'prevote' as const, height, round: 0, value, validator }
  return encodeVote(signVote(v, secret(key), chainId, schedule.setAt(height)), chainId)
}

describe('consensusVerdict (the gossip check of a consensus message)', () => {
  it('accepts a signed vote of a known validator at the current and next height', () => {
    expect(consensusVerdict(vote(10, 1), 'vote', ctx).result).toBe('accept')
    expect(consensusVerdict(vote(11, 2), 'vote', ctx).result).toBe('accept')
  })

  it('rejects bad encodings, unknown validators, bad signatures, other chains and far-future heights', () => {
    const good = vote(10, 1)
    const truncated = good.slice(0, good.length - 1)
    const badSig = new Uint8Array(good)
    badSig[badSig.length - 5] = (badSig[badSig.length - 5] ?? 0) ^ 0xff
    const cases: Array<[string, Uint8Array]> = [
      ['bad encoding', new Uint8Array([1, 2, 3])],
      ['truncated', truncated],
      ['unknown validator', vote(10, 7, keys[4] as `0x${string}`)],
      ['bad signature', badSig],
      ['signed by another validator', vote(10, 1, keys[2] as `0x${string}`)],
      ['other chain', vote(10, 1, keys[1] as `0x${string}`, 901)],
      ['far-future height', vote(10 + 65, 1)],
    ]
    for (const [what, bytes] of cases)
      expect([what, consensusVerdict(bytes, 'vote', ctx).result]).toEqual([what, 'reject'])
    // a vote on the proposal topic
    expect(consensusVerdict(good, 'proposal', ctx).result).toBe('reject')
  })

  it('names a verified later height as `ahead` (commit sync starts from it), never an unverified one', () => {
    expect(consensusVerdict(vote(10, 1), 'vote', ctx).ahead).toBeUndefined()
    expect(consensusVerdict(vote(11, 2), 'vote', ctx).ahead).toBe(11)
    expect(consensusVerdict(vote(30, 2), 'vote', ctx)).toMatchObject({ result: 'ignore', ahead: 30 })
    const forged = vote(30, 2, keys[4] as `0x${string}`) // validator 2's index, another key's signature
    expect(consensusVerdict(forged, 'vote', ctx)).toEqual(expect.objectContaining({ result: 'reject' }))
    expect(consensusVerdict(forged, 'vote', ctx).ahead).toBeUndefined()
  })

  it('ignores (no penalty) old heights and heights beyond the next within the window', () => {
    expect(consensusVerdict(vote(9, 1), 'vote', ctx).result).toBe('ignore')
    expect(consensusVerdict(vote(12, 1), 'vote', ctx).result).toBe('ignore')
  })

  it('a re-broadcast (identical signed bytes) is not verified again; a bad one is never remembered', () => {
    const verified = verifiedMessages()
    const good = vote(10, 1)
    const badSig = new Uint8Array(good)
    badSig[badSig.length - 5] = (badSig[badSig.length - 5] ?? 0) ^ 0xff
    expect(consensusVerdict(badSig, 'vote', ctx, verified).result).toBe('reject')
    expect(verified.has(badSig)).toBe(false)
    expect(consensusVerdict(badSig, 'vote', ctx, verified).result).toBe('reject')
    expect(consensusVerdict(good, 'vote', ctx, verified).result).toBe('accept')
    expect(verified.has(good)).toBe(true)
    expect(consensusVerdict(good, 'vote', ctx, verified).result).toBe('accept')
    // the height checks still run for remembered bytes: once the node moved on, the same vote is old
    expect(consensusVerdict(good, 'vote', { ...ctx, height: 11 }, verified).result).toBe('ignore')
    // a full cache starts over rather than growing
    const small = verifiedMessages(2)
    for (const v of [vote(10, 0), vote(10, 1), vote(10, 2)]) small.add(v)
    expect(small.has(vote(10, 2))).toBe(true)
    expect(small.has(vote(10, 0))).toBe(false)
  })
})

describe("proposalThrottle (another validator's proposal with its block re-sent at most once per interval)", () => {
  it('holds a re-send back until the interval since it was last sent or received has passed', () => {
    let now = 0
    const self = blsKeyPairFromSeed(hexToBytes(blsSeedOf(keys[1] as `0x${string}`))).publicKey
    const throttle = proposalThrottle(3_000, { schedule, key: self }, () => now)
    // validator 1's own proposal goes out at every tick (a peer that missed it must not wait)
    const mine = { height: 5, round: 0, value, validRound: -1, proposer: 1 } as never
    throttle.seen(mine)
    expect(throttle.mayResend(mine)).toBe(true)
    const p = { height: 5, round: 1, value, validRound: -1, proposer: 2 } as never
    expect(throttle.mayResend(p)).toBe(true) // never seen here: goes out
    now = 1_000
    expect(throttle.mayResend(p)).toBe(false)
    now = 3_000
    expect(throttle.mayResend(p)).toBe(true)
    const q = { height: 5, round: 2, value, validRound: -1, proposer: 3 } as never
    now = 10_000
    throttle.arrived(q) // received now
    now = 12_000
    throttle.arrived(q) // a later copy does not push the clock
    expect(throttle.mayResend(q)).toBe(false)
    now = 13_000
    expect(throttle.mayResend(q)).toBe(true)
  })
})
