import { BaseError } from '@rollup-mesh/core'

/**
 * Why a commit certificate, a certificate chain or a piece of evidence failed verification. Each code names
 * the one check that failed, so a node logs it as data and a test can assert exactly what bit.
 */
export type CertificateErrorCode =
  | 'CERT_ENCODING'
  | 'CERT_CHAIN_ID_MISMATCH'
  | 'CERT_HEIGHT_MISMATCH'
  | 'CERT_BLOCK_MISMATCH'
  | 'CERT_VALIDATOR_SET_MISMATCH'
  | 'CERT_SIGNER_OUTSIDE_SET'
  | 'CERT_DUPLICATE_SIGNER'
  | 'CERT_INSUFFICIENT_POWER'
  | 'CERT_BAD_SIGNATURE'
  | 'CERT_VOTE_MISMATCH'
  | 'CERT_CHAIN_BROKEN'

/** A commit certificate (or a chain of them) does not prove what it claims. */
export class InvalidCertificateError extends BaseError {
  constructor(code: CertificateErrorCode, message: string, meta: string[] = []) {
    super(message, { code, name: 'InvalidCertificateError', metaMessages: meta })
  }
}

/** Why a consensus message (proposal, vote, evidence) was refused before it touched any state. */
export type MessageRejectCode =
  | 'MSG_OVERSIZE'
  | 'MSG_ENCODING'
  | 'MSG_UNKNOWN_KIND'
  | 'MSG_WRONG_CHAIN'
  | 'MSG_HEIGHT_OUT_OF_WINDOW'
  | 'MSG_UNKNOWN_VALIDATOR'
  | 'MSG_BAD_SIGNATURE'
  | 'MSG_NOT_PROPOSER'

/** A consensus message from the network was refused; `code` is the reason gossip validation reports. */
export class InvalidConsensusMessageError extends BaseError {
  constructor(code: MessageRejectCode, message: string, meta: string[] = []) {
    super(message, { code, name: 'InvalidConsensusMessageError', metaMessages: meta })
  }
}

/** A validator set, its genesis entry or its change schedule is malformed. */
export class InvalidValidatorSetError extends BaseError {
  constructor(code: string, message: string, meta: string[] = []) {
    super(message, { code, name: 'InvalidValidatorSetError', metaMessages: meta })
  }
}

/** Two votes for one evidence entry do not show an equivocation. */
export class InvalidEvidenceError extends BaseError {
  constructor(code: string, message: string, meta: string[] = []) {
    super(message, { code: `EVIDENCE_${code}`, name: 'InvalidEvidenceError', metaMessages: meta })
  }
}

/** The signing guard refused to sign: the request conflicts with what this validator already signed. */
export class DoubleSignRefusedError extends BaseError {
  constructor(message: string, meta: string[] = []) {
    super(message, {
      code: 'DOUBLE_SIGN_REFUSED',
      name: 'DoubleSignRefusedError',
      metaMessages: [...meta, '- The vote was not signed; the validator keeps its last signed state.'],
    })
  }
}

/** The signing guard's state file is unreadable or corrupt; the validator must not sign until fixed. */
export class SigningStateCorruptError extends BaseError {
  constructor(path: string, reason: string) {
    super(`Signing state file "${path}" is unreadable: ${reason}.`, {
      code: 'SIGNING_STATE_CORRUPT',
      name: 'SigningStateCorruptError',
      metaMessages: [
        '- Refusing to sign rather than risk a conflicting vote.',
        '- Restore the file from a backup of this validator, or delete it only if this key never voted.',
      ],
    })
  }
}
