import { BaseError } from '@rollup-mesh/core'

/** A settlement batch names blocks the chain store does not have (the store and the exit tree disagree). */
export class SettlementBlocksMissingError extends BaseError {
  constructor(fromBlock: bigint, toBlock: bigint) {
    super(`Blocks ${fromBlock}..${toBlock} of a settlement batch are not in the chain store.`, {
      code: 'SETTLEMENT_BLOCKS_MISSING',
      name: 'SettlementBlocksMissingError',
      metaMessages: [
        '- Expected every block of a closed exit-tree batch (and the one before it) in chain.db.',
        '- The data dir is inconsistent; restore it or start the SPN with a fresh one.',
      ],
    })
  }
}

/** The exit root a batch's leaves give is not the one its last block's header carries. */
export class SettlementExitRootMismatchError extends BaseError {
  constructor(block: bigint, headerRoot: string, batchRoot: string) {
    super(
      `The exit root of block ${block} is ${headerRoot}; the settlement batch's leaves give ${batchRoot}.`,
      {
        code: 'SETTLEMENT_EXIT_ROOT_MISMATCH',
        name: 'SettlementExitRootMismatchError',
        metaMessages: [
          '- Expected the header of a batch’s last block to carry the root after the batch.',
          '- Nothing is settled; the exit tree tables and the blocks of chain.db disagree (a bug or a foreign data dir).',
        ],
      },
    )
  }
}

/** The SPN's numeric mesh id cannot be derived from its config. */
export class SettlementIdRequiredError extends BaseError {
  constructor(spnId: string) {
    super(`settlement.id is required: spnId "${spnId}" does not end in a positive number.`, {
      code: 'SETTLEMENT_ID_REQUIRED',
      name: 'SettlementIdRequiredError',
      metaMessages: [
        '- Set `settlement.id` (the SPN’s id in SPNRegistry), or name the SPN `spn<N>` (spn1, spn2, …).',
      ],
    })
  }
}
