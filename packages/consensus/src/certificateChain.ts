import type { Hex } from '@rollup-mesh/core'
import { type CommitCertificate, verifyCommitCertificate } from './certificate.js'
import { InvalidCertificateError } from './errors.js'
import { type GenesisValidator, validatorSetFromGenesis } from './genesisValidators.js'
import type { ValidatorSet } from './validatorSet.js'

/** The header fields consensus reads: which set signs this block, and which signs the next. */
export type ConsensusHeader = {
  readonly height: number
  readonly hash: Hex
  readonly validatorsHash: Hex
  readonly nextValidatorsHash: Hex
}

/** One height of a synced chain: its header, its certificate, and the new set when the header changes it. */
export type CertifiedHeader = {
  readonly header: ConsensusHeader
  readonly certificate: CommitCertificate
  /** Required when `nextValidatorsHash` differs from `validatorsHash`: the set it commits to. */
  readonly nextValidators?: readonly GenesisValidator[] | undefined
}

/**
 * Follows certificates from a trusted set (genesis) through set changes: each header must be signed by
 * the set the previous header announced, each certificate must certify that header, and a change must
 * come with the new set (proofs of possession checked) whose hash the header committed to. Heights must
 * be consecutive. Returns the set that signs the height after the last link.
 *
 * @example
 * ```ts
 * const next = verifyCertificateChain(genesisSet, 900, links)
 * ```
 */
export function verifyCertificateChain(
  trusted: ValidatorSet,
  chainId: number,
  links: readonly CertifiedHeader[],
): ValidatorSet {
  let set = trusted
  let prevHeight: number | undefined
  for (const { header, certificate, nextValidators } of links) {
    if (prevHeight !== undefined && header.height !== prevHeight + 1)
      throw new InvalidCertificateError(
        'CERT_CHAIN_BROKEN',
        `Height ${header.height} does not follow ${prevHeight}.`,
      )
    if (header.validatorsHash !== set.hash)
      throw new InvalidCertificateError(
        'CERT_CHAIN_BROKEN',
        `Header ${header.height} names validator set ${header.validatorsHash}; the chain so far gives ${set.hash}.`,
      )
    verifyCommitCertificate(certificate, set, { chainId, height: header.height, blockHash: header.hash })
    if (header.nextValidatorsHash !== set.hash) {
      if (!nextValidators)
        throw new InvalidCertificateError(
          'CERT_CHAIN_BROKEN',
          `Header ${header.height} changes the validator set to ${header.nextValidatorsHash} but the new set is missing.`,
        )
      const next = validatorSetFromGenesis(nextValidators)
      if (next.hash !== header.nextValidatorsHash)
        throw new InvalidCertificateError(
          'CERT_CHAIN_BROKEN',
          `Header ${header.height} commits to set ${header.nextValidatorsHash}, the given set hashes to ${next.hash}.`,
        )
      set = next
    }
    prevHeight = header.height
  }
  return set
}
