import { BaseError } from '@rollup-mesh/core'

/**
 * The main net's validator set could not be read over JSON-RPC (`mesh_getValidators`): the node is down,
 * answered an error, or answered something that is not a validator set. Until it answers, main-net headers
 * and settlements from signers the SPN does not know yet are ignored (never accepted).
 */
export class MainnetValidatorsUnavailableError extends BaseError {
  constructor(rpcUrl: string, reason: string, options: { cause?: unknown } = {}) {
    super(`The main net's validator set could not be read from ${rpcUrl}: ${reason}.`, {
      code: 'MAINNET_VALIDATORS_UNAVAILABLE',
      name: 'MainnetValidatorsUnavailableError',
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      metaMessages: [
        '- Expected `mesh_getValidators` to answer `{ number, epochLength, validators: [{ address }] }`.',
        '- Check that the main net (`settlement.mainnetRpcUrl`) is running; the SPN asks again.',
      ],
    })
  }
}
