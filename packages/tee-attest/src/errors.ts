import { BaseError } from '@rollup-mesh/core'

/** A quote's bytes do not follow the DCAP layout (truncated, padded, or a length that does not add up). */
export class QuoteFormatError extends BaseError {
  readonly field: string
  constructor({ field, expected, got }: { field: string; expected: string; got: string }) {
    super(`Quote field "${field}" is malformed.`, {
      code: 'QUOTE_MALFORMED',
      name: 'QuoteFormatError',
      metaMessages: [`- Expected ${expected}.`, `- Got ${got}.`],
    })
    this.field = field
  }
}

/** A well-formed quote uses a version, TEE type, key type or certification data type we do not verify. */
export class UnsupportedQuoteError extends BaseError {
  readonly field: string
  constructor({ field, expected, got }: { field: string; expected: string; got: string | number }) {
    super(`Quote field "${field}" has an unsupported value.`, {
      code: 'QUOTE_UNSUPPORTED',
      name: 'UnsupportedQuoteError',
      metaMessages: [`- Expected ${expected}.`, `- Got ${got}.`],
    })
    this.field = field
  }
}

/** The simulated enclave's key directory is unusable (partly written, or keys that do not match). */
export class EnclaveStateError extends BaseError {
  constructor({ dir, problem }: { dir: string; problem: string }) {
    super(`Simulated enclave state in "${dir}" is unusable.`, {
      code: 'ENCLAVE_STATE_INVALID',
      name: 'EnclaveStateError',
      metaMessages: [
        `- ${problem}`,
        '- Remove the directory to create a fresh simulated enclave (new dev root CA).',
      ],
    })
  }
}

/** Thrown by `assertQuoteVerified` when `verifyQuote` did not return `ok`/`ok-simulated`. */
export class QuoteVerificationError extends BaseError {
  readonly status: string
  constructor({ status, reason }: { status: string; reason: string }) {
    super(`Quote verification failed: ${status}.`, {
      code: `QUOTE_${status.toUpperCase().replaceAll('-', '_')}`,
      name: 'QuoteVerificationError',
      details: reason,
    })
    this.status = status
  }
}

/** Certification data or a configured root is not a well-formed PEM/DER certificate. */
export class CertificateFormatError extends BaseError {
  constructor(problem: string) {
    super('Certificate data is malformed.', {
      code: 'CERTIFICATE_MALFORMED',
      name: 'CertificateFormatError',
      metaMessages: [
        `- ${problem}.`,
        '- Expected concatenated PEM CERTIFICATE blocks (DCAP certification data type 5).',
      ],
    })
  }
}
