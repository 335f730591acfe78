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
