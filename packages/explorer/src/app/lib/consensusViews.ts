import { hexToNum } from './format.js'

/** A main-net validator as `mesh_getValidators` lists it. */
export type ValidatorJSON = {
  address: string
  blsPublicKey: string
  proofOfPossession?: string
  power: number
}

/** `mesh_getValidators`' answer. */
export type ValidatorsJSON = {
  number: string
  validatorsHash: string
  nextValidatorsHash: string
  epochLength: number
  validators: ValidatorJSON[]
}

/** `mesh_consensusStatus`' answer. */
export type ConsensusStatusJSON = {
  height: string
  round: number
  step: string
  validator: string | null
  lastCommit: { number: string; round: number; signers: string[] } | null
}

/** `mesh_getCommit`'s answer for one block (null: genesis or unknown). */
export type CommitJSON = {
  number: string
  hash: string
  round: number
  validatorsHash: string
  certificate: string
  signers: string[]
} | null

/** A validator's row: its share of the power and whether it signed the last commit. */
export type ValidatorRow = ValidatorJSON & { share: number; signedLast: boolean; self: boolean }

/**
 * The validator table: each validator with its share of the total power (a fraction), whether it is among
 * the last commit's signers and whether it is the node the page reads (`mesh_consensusStatus.validator`).
 *
 * @example
 * validatorRows(validators, status)[0] // { address: '0x…', power: 1, share: 0.333…, signedLast: true, self: true, … }
 */
export function validatorRows(set: ValidatorsJSON, status: ConsensusStatusJSON | undefined): ValidatorRow[] {
  const total = set.validators.reduce((n, v) => n + v.power, 0)
  const signers = new Set((status?.lastCommit?.signers ?? []).map((s) => s.toLowerCase()))
  const self = status?.validator?.toLowerCase()
  return set.validators.map((v) => ({
    ...v,
    share: total > 0 ? v.power / total : 0,
    signedLast: signers.has(v.address.toLowerCase()),
    self: v.address.toLowerCase() === self,
  }))
}

/** A commit's row: who signed it, their power against the set's, and whether that is over 2/3. */
export type CommitRow = {
  number: number
  hash: string
  round: number
  signers: string[]
  signedPower: number
  totalPower: number
  quorum: boolean
  certificateBytes: number
}

/**
 * A block's certificate as the page shows it: its signers' power out of the set's, checked against the
 * > 2/3 rule the certificate must meet (the page reports; the bundle verifier is what checks signatures).
 *
 * @example
 * commitRow(commit, validators) // { number: 12, round: 0, signers: [...], signedPower: 3, totalPower: 3, quorum: true, … }
 */
export function commitRow(commit: NonNullable<CommitJSON>, set: ValidatorsJSON): CommitRow {
  const power = new Map(set.validators.map((v) => [v.address.toLowerCase(), v.power]))
  const totalPower = set.validators.reduce((n, v) => n + v.power, 0)
  const signedPower = commit.signers.reduce((n, s) => n + (power.get(s.toLowerCase()) ?? 0), 0)
  return {
    number: hexToNum(commit.number),
    hash: commit.hash,
    round: commit.round,
    signers: commit.signers,
    signedPower,
    totalPower,
    quorum: 3 * signedPower > 2 * totalPower,
    certificateBytes: (commit.certificate.length - 2) / 2,
  }
}
