import { BaseError } from '@rollup-mesh/core'

/** A committed artifact's bytes do not match the SHA-256 the manifest records. */
export class ArtifactMismatchError extends BaseError {
  constructor({ file, expected, got }: { file: string; expected: string; got: string }) {
    super(`Artifact "${file}" does not match its manifest.`, {
      code: 'ZK_ARTIFACT_MISMATCH',
      name: 'ArtifactMismatchError',
      metaMessages: [
        `- Expected SHA-256 ${expected}.`,
        `- Got SHA-256 ${got}.`,
        '- Re-run the ceremony (npm run ceremony -w packages/zk-bridge) or restore artifacts/ from git.',
      ],
    })
  }
}

/** An artifact file or the manifest is missing or unreadable. */
export class ArtifactNotFoundError extends BaseError {
  constructor({ file, cause, reason }: { file: string; cause?: unknown; reason?: string }) {
    super(`Artifact "${file}" could not be read.`, {
      code: 'ZK_ARTIFACT_NOT_FOUND',
      name: 'ArtifactNotFoundError',
      cause,
      metaMessages: [
        ...(reason ? [`- ${reason}`] : []),
        '- Run the ceremony (npm run ceremony -w packages/zk-bridge) or restore artifacts/ from git.',
      ],
    })
  }
}

/** The exit tree has no room for another leaf or batch. */
export class ExitTreeFullError extends BaseError {
  constructor({ depth, size, adding }: { depth: number; size: number; adding: number }) {
    super(`Exit tree of depth ${depth} is full.`, {
      code: 'ZK_EXIT_TREE_FULL',
      name: 'ExitTreeFullError',
      metaMessages: [`- It holds ${size} of ${2 ** depth} leaves; ${adding} more do not fit.`],
    })
  }
}

/** The settlement batch does not describe an append, or the circuit rejected its witness. */
export class SettlementWitnessError extends BaseError {
  constructor({ field, reason, cause }: { field: string; reason: string; cause?: unknown }) {
    super(`Settlement batch field "${field}" is inconsistent.`, {
      code: 'ZK_SETTLEMENT_WITNESS',
      name: 'SettlementWitnessError',
      cause,
      metaMessages: [`- ${reason}`],
    })
  }
}

/** The settlement prover's child process failed to start, died, or was closed before it answered. */
export class ProverProcessError extends BaseError {
  constructor({ reason, cause }: { reason: string; cause?: unknown }) {
    super(`The settlement prover process failed: ${reason}`, {
      code: 'ZK_PROVER_PROCESS',
      name: 'ProverProcessError',
      cause,
      metaMessages: [
        '- The next proof starts a new prover process.',
        '- Proving in-process instead: `proverProcess: false` in the settlement config.',
      ],
    })
  }
}
