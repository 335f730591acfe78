import { EVMError, type ExecResult, type PrecompileInput } from '@ethereumjs/evm'
import type { Address } from 'viem'

/** What a custom precompile sees besides its input: its gas and the block's timestamp. */
export type CustomPrecompileContext = { gasLimit: bigint; timestamp: bigint }

/**
 * The result of a custom precompile. `gasUsed` above the call's gas limit, or `outOfGas`, is an
 * out-of-gas failure (all gas consumed, no return data), as for the built-in precompiles.
 */
export type CustomPrecompileResult = { returnData: Uint8Array; gasUsed: bigint; outOfGas?: boolean }

/** A chain-specific precompile (the main net's quote verifier): a pure function of its input and context. */
export type CustomPrecompile = (input: Uint8Array, context: CustomPrecompileContext) => CustomPrecompileResult

/** Custom precompiles by address (lower-case); they must not collide with Ethereum's. */
export type CustomPrecompiles = ReadonlyMap<Address, CustomPrecompile>

/** A custom precompile as ethereumjs calls it (`customPrecompiles`). */
export function toEthPrecompile(fn: CustomPrecompile): (input: PrecompileInput) => ExecResult {
  return (input) => {
    const evm = input._EVM as unknown as { _block?: { header: { timestamp: bigint } } }
    const result = fn(input.data, { gasLimit: input.gasLimit, timestamp: evm._block?.header.timestamp ?? 0n })
    if (result.outOfGas || result.gasUsed > input.gasLimit) {
      return {
        returnValue: new Uint8Array(0),
        executionGasUsed: input.gasLimit,
        exceptionError: new EVMError(EVMError.errorMessages.OUT_OF_GAS),
      }
    }
    return { returnValue: result.returnData, executionGasUsed: result.gasUsed }
  }
}
