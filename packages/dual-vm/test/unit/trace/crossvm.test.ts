import type { Abi, Address, Hex } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import type { CallFrame } from '../../../src/trace/callTracer.js'
import { parseTraceOptions } from '../../../src/trace/options.js'
import type { PrestateResult } from '../../../src/trace/prestateTracer.js'
import type { StructLoggerResult } from '../../../src/trace/structLogger.js'
import { traceBlock } from '../../../src/trace/traceBlock.js'
import { createWasmEngine } from '../../../src/wasm/engine.js'
import { alice, EXAMPLES_DIR, solidity, TestChain } from '../helpers.js'
import { callTx, nextHeader } from './fixture.js'

type Artifact = { abi: Abi; bytecode: Hex }
const engine = createWasmEngine()
let wasmCounter: Artifact
let evmCaller: Artifact

beforeAll(async () => {
  const c = await compileAssemblyScript(`${EXAMPLES_DIR}counter.ts`)
  wasmCounter = { abi: c.abi, bytecode: c.bytecode }
  evmCaller = await solidity('CrossVmCaller.sol', 'CrossVmCaller')
}, 120_000)

async function setup() {
  const chain = new TestChain(undefined, { wasm: engine })
  const counter = (await chain.deploy(alice, wasmCounter.abi, wasmCounter.bytecode)).address
  const caller = (await chain.deploy(alice, evmCaller.abi, evmCaller.bytecode)).address
  expect(chain.state.getAccount(counter)?.vm).toBe('wasm')
  return { chain, counter, caller }
}

const trace = (chain: TestChain, tx: ReturnType<typeof callTx>, options: unknown) =>
  traceBlock({
    header: nextHeader(chain),
    state: chain.state,
    txs: [tx],
    options: parseTraceOptions(options),
    wasm: engine,
  })

describe('tracing across the VMs', () => {
  it('shows an EVM → WASM call as a CALL frame, with no opcodes logged inside the WASM frame', async () => {
    const { chain, counter, caller } = await setup()
    const tx = callTx(chain, alice, caller, evmCaller.abi, 'incrementOn', [counter])
    const [calls] = await trace(chain, tx, { tracer: 'callTracer', tracerConfig: { withLog: true } })
    const [steps] = await trace(chain, tx, {})
    const top = calls!.result as CallFrame
    expect(top).toMatchObject({ type: 'CALL', from: alice, to: caller })
    expect(top.calls).toHaveLength(1)
    const inner = top.calls![0]!
    expect(inner).toMatchObject({ type: 'CALL', from: caller, to: counter, value: '0x0' })
    expect(BigInt(inner.output!)).toBe(1n)
    expect(BigInt(inner.gasUsed)).toBeGreaterThan(0n)
    expect(inner.error).toBeUndefined()
    const logs = (steps!.result as StructLoggerResult).structLogs
    expect(logs.some((l) => l.op === 'CALL')).toBe(true)
    expect(logs.every((l) => l.depth === 1)).toBe(true)
    const mined = await chain.block([tx])
    expect(BigInt(top.gasUsed)).toBe(mined.receipts[0]!.gasUsed)
  })

  it('traces a transaction straight into WASM: one CALL frame, no struct logs, WASM storage in the prestate', async () => {
    const { chain, counter } = await setup()
    const tx = callTx(chain, alice, counter, wasmCounter.abi, 'increment')
    const [calls] = await trace(chain, tx, { tracer: 'callTracer' })
    const [steps] = await trace(chain, tx, {})
    const [pre] = await trace(chain, tx, { tracer: 'prestateTracer' })
    const mined = await chain.block([tx])
    const top = calls!.result as CallFrame
    expect(top).toMatchObject({ type: 'CALL', from: alice, to: counter, input: tx.data })
    expect(BigInt(top.output!)).toBe(1n)
    expect(BigInt(top.gasUsed)).toBe(mined.receipts[0]!.gasUsed)
    const s = steps!.result as StructLoggerResult
    expect(s).toMatchObject({ failed: false, structLogs: [] })
    expect(BigInt(s.returnValue)).toBe(1n)
    const p = pre!.result as PrestateResult
    expect(Object.keys(p[counter as Address]!.storage ?? {}).length).toBeGreaterThan(0)
  })
})
