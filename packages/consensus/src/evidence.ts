import { InvalidEvidenceError } from './errors.js'
import { verifyVoteSignature } from './messageSigning.js'
import type { DuplicateVoteEvidence } from './types.js'
import type { ValidatorSet } from './validatorSet.js'

/**
 * Checks that evidence shows an equivocation: two votes of one validator for one (height, round, type)
 * with different values, both validly signed under the set that counts them. A node persists it, serves
 * it (`mesh_getEvidence`) and includes it in a later block; anyone can re-check it with this function.
 *
 * @example
 * ```ts
 * verifyDuplicateVoteEvidence(output.evidence, set, 900)
 * ```
 */
export function verifyDuplicateVoteEvidence(
  evidence: DuplicateVoteEvidence,
  set: ValidatorSet,
  chainId: number,
): void {
  const { voteA: a, voteB: b } = evidence
  if (a.validator !== b.validator)
    throw new InvalidEvidenceError(
      'VALIDATOR_MISMATCH',
      `Votes are from validators ${a.validator} and ${b.validator}.`,
    )
  if (a.type !== b.type || a.height !== b.height || a.round !== b.round)
    throw new InvalidEvidenceError(
      'POSITION_MISMATCH',
      `Votes are for (${a.type}, ${a.height}, ${a.round}) and (${b.type}, ${b.height}, ${b.round}); equivocation needs the same.`,
    )
  if (a.value === b.value)
    throw new InvalidEvidenceError('SAME_VALUE', 'Both votes are for the same value: no equivocation.')
  if (!set.validators[a.validator])
    throw new InvalidEvidenceError('UNKNOWN_VALIDATOR', `Validator ${a.validator} is not in the set.`)
  for (const [name, v] of [
    ['A', a],
    ['B', b],
  ] as const) {
    if (!verifyVoteSignature(v, chainId, set))
      throw new InvalidEvidenceError(
        'BAD_SIGNATURE',
        `Vote ${name} of validator ${v.validator} is not validly signed.`,
      )
  }
}
