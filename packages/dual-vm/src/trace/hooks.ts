import { type EVMResult, type InterpreterStep, Message } from '@ethereumjs/evm'
import { createAddressFromString } from '@ethereumjs/util'
import type { DualVmEVM } from '../evm/dualEvm.js'

/** What a tracer listens to; `enter`/`exit` pair up per call frame (EVM and WASM alike). */
export type TraceHooks = {
  /** Every EVM opcode (WASM frames have none). Attaching it turns off the fast step loop for this run. */
  step?(step: InterpreterStep): void
  /** A call frame starts: `message.depth` is 0 for the transaction's own frame. */
  enter?(message: Message): void
  /** The frame `message` ends with `result`. */
  exit?(result: EVMResult, message: Message): void
}

type WasmTx = DualVmEVM['runWasmTransaction']

/**
 * Attaches `hooks` to one EVM for one traced run and returns the function that detaches them. Only
 * this EVM instance is touched: other runs never pay for listeners. A transaction whose outermost call
 * runs WASM skips ethereumjs's message machinery, so its frame is reported here from the call itself.
 */
export function attachTraceHooks(evm: DualVmEVM, hooks: TraceHooks): () => void {
  const frames: Message[] = []
  const onStep = hooks.step ? (step: InterpreterStep) => hooks.step?.(step) : undefined
  const onBefore = (message: Message) => {
    frames.push(message)
    hooks.enter?.(message)
  }
  const onAfter = (result: EVMResult) => {
    const message = frames.pop()
    if (message) hooks.exit?.(result, message)
  }
  if (onStep) evm.events.on('step', onStep)
  evm.events.on('beforeMessage', onBefore)
  evm.events.on('afterMessage', onAfter)
  const original: WasmTx = evm.runWasmTransaction
  const traced: WasmTx = async (opts) => {
    const message = new Message({
      caller: createAddressFromString(opts.caller),
      to: createAddressFromString(opts.to),
      value: opts.value,
      data: opts.data,
      gasLimit: opts.gasLimit,
      depth: 0,
    })
    onBefore(message)
    const result = await original.call(evm, opts)
    onAfter(result)
    return result
  }
  evm.runWasmTransaction = traced
  return () => {
    if (onStep) evm.events.off('step', onStep)
    evm.events.off('beforeMessage', onBefore)
    evm.events.off('afterMessage', onAfter)
    Reflect.deleteProperty(evm, 'runWasmTransaction')
  }
}
