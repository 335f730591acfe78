import '@rollup-mesh/core/polyfill'
import { ValidatorSchedule } from '@rollup-mesh/consensus'
import { devAccounts } from '@rollup-mesh/core'
import { type Address, concat, encodeAbiParameters, encodeEventTopics, type Hex, hexToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { CONSENSUS_ADDRESSES } from '../../src/consensus/consensusAddresses.js'
import {
  applyValidatorChanges,
  GovernedValidators,
  validatorChangesOf,
} from '../../src/consensus/governedValidators.js'
import { createPopVerifierPrecompile } from '../../src/consensus/popPrecompile.js'
import { genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'
import { validatorGovernanceAbi } from '../../src/contracts.generated.js'

const keys = devAccounts(5).map((a) => a.privateKey as Hex)
const genesis = keys.slice(0, 4).map((k) => genesisValidatorOf(k))
const fifth = genesisValidatorOf(keys[4]!, 2)
const address = CONSENSUS_ADDRESSES.validatorGovernance as Address

const added = (v = fifth) => ({
  address,
  topics: encodeEventTopics({
    abi: validatorGovernanceAbi,
    eventName: 'ValidatorAdded',
    args: { validator: v.address },
  }) as Hex[],
  data: encodeAbiParameters(
    [{ type: 'bytes' }, { type: 'bytes' }, { type: 'uint64' }],
    [v.blsPublicKey, v.proofOfPossession, BigInt(v.power)],
  ),
})
const removed = (validator: Address) => ({
  address,
  topics: encodeEventTopics({
    abi: validatorGovernanceAbi,
    eventName: 'ValidatorRemoved',
    args: { validator },
  }) as Hex[],
  data: '0x' as Hex,
})
const powered = (validator: Address, power: number) => ({
  address,
  topics: encodeEventTopics({
    abi: validatorGovernanceAbi,
    eventName: 'ValidatorPowerChanged',
    args: { validator },
  }) as Hex[],
  data: encodeAbiParameters([{ type: 'uint64' }], [BigInt(power)]),
})

describe('validator-set changes by governance (node side)', () => {
  it('decodes the contract events and applies them in order (added last, removed out, order kept)', () => {
    const changes = validatorChangesOf([
      added(),
      powered(genesis[1]!.address, 3),
      removed(genesis[0]!.address),
    ])
    expect(changes.map((c) => c.kind)).toEqual(['add', 'power', 'remove'])
    const next = applyValidatorChanges(genesis, changes)
    expect(next.map((v) => v.address)).toEqual([
      genesis[1]!.address,
      genesis[2]!.address,
      genesis[3]!.address,
      fifth.address,
    ])
    expect(next[0]!.power).toBe(3)
    expect(next[3]).toEqual(fifth)
    // logs of other contracts are not changes
    expect(validatorChangesOf([{ ...added(), address: CONSENSUS_ADDRESSES.evidenceRegistry }])).toEqual([])
  })

  it('schedules the changed set at the epoch boundary at least one epoch later; entries by height', () => {
    const set = validatorSetOfConfig(genesis)
    const governed = new GovernedValidators(new ValidatorSchedule(set, { epochLength: 4 }), genesis)
    const seen: number[] = []
    governed.onChange((h) => seen.push(h))
    expect(governed.applyBlock(2n, [])).toBeUndefined()
    expect(governed.applyBlock(3n, [added()])).toBe(9)
    expect(governed.applyBlock(4n, [removed(genesis[3]!.address)])).toBe(9) // same epoch: lands together
    expect(governed.applyBlock(6n, [removed(genesis[2]!.address)])).toBe(13)
    expect(seen).toEqual([9, 9, 13])
    expect(governed.entriesAt(8)).toEqual(genesis)
    expect(governed.entriesAt(9).map((v) => v.address)).toEqual([
      genesis[0]!.address,
      genesis[1]!.address,
      genesis[2]!.address,
      fifth.address,
    ])
    expect(governed.entriesAt(13)).toHaveLength(3)
    expect(governed.schedule.setAt(8).hash).toBe(set.hash)
    expect(governed.schedule.setAt(9).hash).toBe(validatorSetOfConfig(governed.entriesAt(9)).hash)
    // past and scheduled validators may sign headers
    expect(governed.addresses()).toContain(fifth.address)
    expect(governed.addresses()).toContain(genesis[3]!.address)
  })
})

describe('BLS proof-of-possession precompile (0x…0a03)', () => {
  const run = createPopVerifierPrecompile()
  const input = (pk: Hex, pop: Hex) => hexToBytes(concat([pk, pop]))
  it('answers 1 for a valid proof, 0 for another key or a bad length; out of gas below its price', () => {
    const ok = run(input(fifth.blsPublicKey, fifth.proofOfPossession), {
      gasLimit: 1_000_000n,
      timestamp: 0n,
    })
    expect(ok.returnData[31]).toBe(1)
    const other = run(input(genesis[0]!.blsPublicKey, fifth.proofOfPossession), {
      gasLimit: 1_000_000n,
      timestamp: 0n,
    })
    expect(other.returnData[31]).toBe(0)
    expect(run(new Uint8Array(10), { gasLimit: 1_000_000n, timestamp: 0n }).returnData[31]).toBe(0)
    expect(
      run(input(fifth.blsPublicKey, fifth.proofOfPossession), { gasLimit: 1_000n, timestamp: 0n }).outOfGas,
    ).toBe(true)
  })
})
