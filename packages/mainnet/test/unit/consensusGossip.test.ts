import { blsKeyPairFromSeed, encodeVote, signVote, ValidatorSchedule } from '@rollup-mesh/consensus'
import { devAccounts } from '@rollup-mesh/core'
import { hexToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { consensusVerdict } from '../../src/consensus/consensusGossip.js'
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

  it('ignores (no penalty) old heights and heights beyond the next within the window', () => {
    expect(consensusVerdict(vote(9, 1), 'vote', ctx).result).toBe('ignore')
    expect(consensusVerdict(vote(12, 1), 'vote', ctx).result).toBe('ignore')
  })
})
