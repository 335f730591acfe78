import { EMPTY_CODE_HASH } from '@rollup-mesh/core'
import { type Address, bytesToHex, hexToBytes } from 'viem'
import type { DualVmEVM } from '../evm/dualEvm.js'
import { runFastTransaction } from '../evm/fast/engine.js'
import { FastEVMFallbackError } from '../evm/fast/errors.js'
import type { JournaledState } from '../state/journal.js'
import { isWasmInitCode } from '../wasm/initCode.js'
import type { SimulateCallParameters, SimulateCallResult } from './call.js'
import { createEvmEngineStats, createFastBlock } from './fastPath.js'
import { blockHashLookup, toEthBlock } from './serial.js'
import type { TxEnv } from './transaction.js'

/**
 * `simulateCall` on the fast engine, with ethereumjs's `eth_call` semantics (what `simulateCall` asks of
 * `runCall`): no fee, a caller poorer than `value` gets exactly `value` (`skipBalance`), the nonce goes up
 * for a creation only, nothing is warm beforehand but a creation's address. Returns undefined when the
 * engine hands the call to ethereumjs (a WASM account, an asynchronous precompile, …); the caller then
 * rebases the journal and runs it there.
 */
export function simulateOnFast(
  evm: DualVmEVM,
  journal: JournaledState,
  params: SimulateCallParameters,
  from: Address,
): SimulateCallResult | undefined {
  const gas = params.gas ?? 30_000_000n
  if (gas > BigInt(Number.MAX_SAFE_INTEGER)) return undefined
  const to = params.to ? (params.to.toLowerCase() as Address) : null
  if (to && journal.vmOf(to) === 'wasm') return undefined
  // a WASM deployment (init code starting with \0asm) runs in the WASM engine: as EVM code it would STOP at once
  if (!to && params.data && isWasmInitCode(hexToBytes(params.data))) return undefined
  const value = params.value ?? 0n
  const caller = journal.getAccount(from)
  if ((caller?.balance ?? 0n) < value)
    journal.putAccount(from, {
      ...(caller ?? { nonce: 0n, codeHash: EMPTY_CODE_HASH, vm: 'evm' as const }),
      balance: value,
    })
  const block = createFastBlock(evm, params.header, blockHashLookup(params.header), createEvmEngineStats())
  block.env.origin = from
  let result: ReturnType<typeof runFastTransaction>
  try {
    result = runFastTransaction(
      {
        state: journal,
        common: evm.common,
        precompiles: evm.precompileFunctions(),
        precompileEVM: evm.forPrecompiles(toEthBlock(params.header) as NonNullable<TxEnv['ethBlock']>),
      },
      block.env,
      {
        from,
        to,
        value,
        data: hexToBytes(params.data ?? '0x'),
        gas: Number(gas),
        warmAddresses: [],
        warmSlots: [],
        bumpNonce: to === null,
      },
    )
  } catch (error) {
    if (error instanceof FastEVMFallbackError) return undefined
    if (error instanceof RangeError && /call stack/i.test(error.message)) return undefined
    throw error
  }
  const exec = result.execResult
  const success = exec.exceptionError === undefined
  // A creation answers with the code it deployed (ethereumjs's `returnValue`); the engine keeps it in state only.
  const created = result.createdAddress
  const output = success && to === null && created ? journal.getCodeAt(created) : exec.returnValue
  return {
    success,
    returnData: bytesToHex(output),
    gasUsed: exec.executionGasUsed,
    logs: success
      ? exec.logs.map(([address, topics, data]) => ({
          address: bytesToHex(address),
          topics: topics.map((t) => bytesToHex(t)),
          data: bytesToHex(data),
        }))
      : [],
    contractAddress: result.createdAddress ?? null,
    ...(exec.exceptionError ? { error: exec.exceptionError.error } : {}),
  }
}
