import { BaseError } from '@rollup-mesh/core'

/** A proposal's block body (header or transactions) does not decode. */
export class InvalidProposalBodyError extends BaseError {
  constructor(field: string, expected: string) {
    super(`Proposal body: "${field}" is not ${expected}.`, {
      code: 'INVALID_PROPOSAL_BODY',
      name: 'InvalidProposalBodyError',
    })
  }
}

/** The main-net consensus config does not fit this node (its key is not the validator it claims, …). */
export class ConsensusConfigError extends BaseError {
  constructor(message: string, metaMessages: string[] = []) {
    super(message, { code: 'CONSENSUS_CONFIG', name: 'ConsensusConfigError', metaMessages })
  }
}

/** A committed block served by commit sync is not the next block, or its certificate or header does not check. */
export class InvalidCommittedBlockError extends BaseError {
  constructor(number: bigint, problem: string) {
    super(`Committed block ${number} from sync: ${problem}.`, {
      code: 'INVALID_COMMITTED_BLOCK',
      name: 'InvalidCommittedBlockError',
    })
  }
}

/** A block's evidence system transaction is not valid evidence: the block is invalid. */
export class InvalidBlockEvidenceError extends BaseError {
  constructor(block: bigint, txIndex: number, field: string, problem: string) {
    super(`Block ${block}, evidence transaction ${txIndex}: "${field}" ${problem}.`, {
      code: 'INVALID_BLOCK_EVIDENCE',
      name: 'InvalidBlockEvidenceError',
    })
  }
}
