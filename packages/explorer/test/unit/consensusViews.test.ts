import { describe, expect, it } from 'vitest'
import {
  type ConsensusStatusJSON,
  commitRow,
  type ValidatorsJSON,
  validatorRows,
} from '../../src/app/lib/consensusViews.js'

const a = '0x000000000000000000000000000000000000000A'
const b = '0x000000000000000000000000000000000000000b'
const c = '0x000000000000000000000000000000000000000c'
const set: ValidatorsJSON = {
  number: '0x10',
  validatorsHash: `0x${'11'.repeat(32)}`,
  nextValidatorsHash: `0x${'11'.repeat(32)}`,
  epochLength: 100,
  validators: [
    { address: a, blsPublicKey: `0x${'a1'.repeat(48)}`, power: 2 },
    { address: b, blsPublicKey: `0x${'b1'.repeat(48)}`, power: 1 },
    { address: c, blsPublicKey: `0x${'c1'.repeat(48)}`, power: 1 },
  ],
}
const status: ConsensusStatusJSON = {
  height: '0x11',
  round: 0,
  step: 'propose',
  validator: b.toLowerCase(),
  lastCommit: { number: '0x10', round: 0, signers: [a.toLowerCase(), b] },
}

describe('validator and commit views', () => {
  it('validatorRows: share of power, signed-last (case-insensitive) and this node', () => {
    const rows = validatorRows(set, status)
    expect(rows.map((r) => r.share)).toEqual([0.5, 0.25, 0.25])
    expect(rows.map((r) => r.signedLast)).toEqual([true, true, false])
    expect(rows.map((r) => r.self)).toEqual([false, true, false])
    expect(validatorRows(set, undefined).every((r) => !r.signedLast && !r.self)).toBe(true)
  })

  it('commitRow: signers power against the set and the > 2/3 rule', () => {
    const commit = {
      number: '0x10',
      hash: `0x${'22'.repeat(32)}`,
      round: 1,
      validatorsHash: set.validatorsHash,
      certificate: `0x${'00'.repeat(120)}`,
      signers: [a, b.toLowerCase()],
    }
    expect(commitRow(commit, set)).toMatchObject({
      number: 16,
      round: 1,
      signedPower: 3,
      totalPower: 4,
      quorum: true,
      certificateBytes: 120,
    })
    // exactly 2/3 is not a quorum; an unknown signer adds nothing
    const third = { ...set, validators: set.validators.map((v) => ({ ...v, power: 1 })) }
    expect(commitRow({ ...commit, signers: [a, b, c] }, third).quorum).toBe(true)
    expect(commitRow({ ...commit, signers: [a, b, '0xdead'] }, third).quorum).toBe(false)
    expect(commitRow({ ...commit, signers: [a, '0xdead'] }, third)).toMatchObject({
      signedPower: 1,
      quorum: false,
    })
    const six = {
      ...set,
      validators: [...third.validators, ...third.validators.map((v) => ({ ...v, address: `${v.address}f` }))],
    }
    expect(
      commitRow({ ...commit, signers: six.validators.slice(0, 4).map((v) => v.address) }, six).quorum,
    ).toBe(false)
  })
})
