import '@rollup-mesh/core/polyfill'
import type { BlockCandidate, SignedTx } from '@rollup-mesh/chain'
import { depositTx } from '@rollup-mesh/chain'
import {
  blsKeyPairFromSeed,
  type DuplicateVoteEvidence,
  signVote,
  ValidatorSchedule,
  type Value,
} from '@rollup-mesh/consensus'
import { devAccounts } from '@rollup-mesh/core'
import { type Address, encodeFunctionData, type Hex, hexToBytes, keccak256, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { CONSENSUS_ADDRESSES } from '../../src/consensus/consensusAddresses.js'
import { checkBlockEvidence, type EvidenceParts, evidenceTx } from '../../src/consensus/evidenceInclusion.js'
import type { EvidenceStore, OffenceKey } from '../../src/consensus/evidenceStore.js'
import { blsSeedOf, genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'
import { evidenceRegistryAbi } from '../../src/contracts.generated.js'

const CHAIN_ID = 900
const keys = devAccounts(5).map((a) => a.privateKey as Hex)
const genesis = keys.slice(0, 4).map((k) => genesisValidatorOf(k))
const set = validatorSetOfConfig(genesis)
const bigger = validatorSetOfConfig([...genesis, genesisValidatorOf(keys[4]!)])
const schedule = new ValidatorSchedule(set, { firstHeight: 1, epochLength: 4 })
schedule.scheduleChange(bigger, 2) // effective at 9
const sk = (i: number) => blsKeyPairFromSeed(hexToBytes(blsSeedOf(keys[i]!))).secretKey
const V = keccak256(toHex('v'))
const W = keccak256(toHex('w'))

const vote = (value: Value | null, height = 5, validator = 1, signer = validator) =>
  signVote(
    { type: 'prevote', height, round: 0, value, validator },
    sk(signer),
    CHAIN_ID,
    schedule.setAt(height),
  )
const offence = (a = vote(V), b = vote(W)): DuplicateVoteEvidence => ({
  kind: 'duplicate-vote',
  voteA: a,
  voteB: b,
})

/** An evidence store holding `included` offences (the check reads `includedIn` only). */
function parts(included: Record<string, bigint> = {}): EvidenceParts {
  const evidence = {
    includedIn: (o: OffenceKey) => included[`${o.validator}:${o.height}:${o.round}:${o.type}`] ?? null,
  } as unknown as EvidenceStore
  return { schedule, chainId: CHAIN_ID, evidence }
}

function block(number: bigint, txs: SignedTx[], status: 0 | 1 = 1): BlockCandidate {
  return {
    header: { number },
    txs,
    receipts: txs.map(() => ({ status })),
  } as unknown as BlockCandidate
}

const tx = (e: DuplicateVoteEvidence, validator: Address = genesis[1]!.address) =>
  evidenceTx(e, validator, CHAIN_ID)

describe('evidence in blocks: every validator checks it', () => {
  it('valid evidence (nil vote included) passes', () => {
    expect(
      checkBlockEvidence(parts(), block(10n, [tx(offence()), tx(offence(vote(null, 6), vote(V, 6)))])),
    ).toHaveLength(2)
  })

  it('invalid evidence makes the block invalid, the error naming the field', () => {
    const cases: [string, () => BlockCandidate, RegExp][] = [
      [
        'bad signature',
        () => block(10n, [tx(offence(vote(V), vote(W, 5, 1, 2)))]),
        /"evidence" EVIDENCE_BAD_SIGNATURE/,
      ],
      ['same value', () => block(10n, [tx(offence(vote(V), vote(V)))]), /"evidence" EVIDENCE_SAME_VALUE/],
      [
        'other height',
        () => block(10n, [tx(offence(vote(V), vote(W, 6)))]),
        /"evidence" EVIDENCE_POSITION_MISMATCH/,
      ],
      // validator 4 exists from height 9 only: at height 5 the signer is outside the set
      [
        'signer not in the set at that height',
        () => block(10n, [tx(offence(vote(V, 5, 4, 4), vote(W, 5, 4, 4)))]),
        /"evidence" EVIDENCE_UNKNOWN_VALIDATOR/,
      ],
      [
        'wrong validator argument',
        () => block(10n, [tx(offence(), genesis[2]!.address)]),
        /"validator" must be/,
      ],
      ['from a later height', () => block(5n, [tx(offence())]), /"height" evidence height 5 must be 1\.\.4/],
      [
        'twice in one block',
        () => block(10n, [tx(offence()), tx(offence(vote(W), vote(V)))]),
        /the same offence twice/,
      ],
      ['reverted', () => block(10n, [tx(offence())], 0), /"status" the evidence transaction reverted/],
      [
        'a deposit that is not evidence',
        () =>
          block(10n, [
            depositTx({
              sourceHash: V,
              from: genesis[0]!.address,
              to: genesis[0]!.address,
              mint: 10n ** 18n,
              gas: 21_000n,
              chainId: BigInt(CHAIN_ID),
            }),
          ]),
        /"from" must be the evidence submitter/,
      ],
      [
        'not a submit call',
        () =>
          block(10n, [
            depositTx({
              sourceHash: W,
              from: CONSENSUS_ADDRESSES.evidenceSubmitter,
              to: CONSENSUS_ADDRESSES.evidenceRegistry,
              gas: 300_000n,
              data: encodeFunctionData({ abi: evidenceRegistryAbi, functionName: 'includedIn', args: [V] }),
              chainId: BigInt(CHAIN_ID),
            }),
          ]),
        /"data" must be an EvidenceRegistry.submit call/,
      ],
    ]
    for (const [name, candidate, message] of cases) {
      let error: unknown
      try {
        checkBlockEvidence(parts(), candidate())
      } catch (e) {
        error = e
      }
      expect(error, name).toMatchObject({ code: 'INVALID_BLOCK_EVIDENCE', name: 'InvalidBlockEvidenceError' })
      expect((error as Error).message, name).toMatch(message)
    }
  })

  it('evidence already included in an earlier block is refused (committed once)', () => {
    const key = `${genesis[1]!.address}:5:0:prevote`
    expect(() => checkBlockEvidence(parts({ [key]: 7n }), block(10n, [tx(offence())]))).toThrow(
      /"evidence" already included in block 7/,
    )
  })
})
