/**
 * What every dual-vm benchmark sets up the same way: 64 funded senders, a chain over the in-memory state
 * and one serial executor (blocks of 500, each committed before the next, senders pre-recovered as the
 * executor receives them), and `measure`, which times prepared blocks on one thread.
 */
import { readFileSync } from 'node:fs'
import type { BlockExecutionResult, ExecutableTx } from '@rollup-mesh/core'
import { type Address, type Hex, numberToHex, parseEther } from 'viem'
import {
  createMemoryState,
  createSerialExecutor,
  type EvmEngine,
  type MemoryState,
  type SerialExecutor,
  type SerialExecutorOptions,
} from '../src/index.js'
import { makeHeader, makeTx } from '../test/unit/helpers.js'

export const BLOCK_TXS = 500
export const SENDERS = 64
export const senders = Array.from(
  { length: SENDERS },
  (_, i) => numberToHex(0x1000 + i, { size: 20 }) as Address,
)

/** One benchmark transaction (the nonce comes from the chain). */
export type BenchCall = { from: Address; to: Address | null; data: Hex; gas: bigint; value?: bigint }

export type BenchChain = {
  state: MemoryState
  executor: SerialExecutor
  /** `call` as a signed-and-recovered transaction with the sender's next nonce (a tip of 1 wei). */
  tx(call: BenchCall): ExecutableTx
  /** Executes one block and commits it; throws when a transaction was skipped or did not succeed. */
  run(txs: ExecutableTx[]): Promise<BlockExecutionResult>
}

/** A chain of blocks over a fresh in-memory state where every sender holds 1,000 ether. */
export function createBenchChain(options: SerialExecutorOptions, label: string): BenchChain {
  const state = createMemoryState(
    Object.fromEntries(senders.map((s) => [s, { balance: parseEther('1000') }])),
  )
  const executor = createSerialExecutor(options)
  const nonces = new Map<Address, bigint>()
  let number = 1n
  return {
    state,
    executor,
    tx(call) {
      const nonce = nonces.get(call.from) ?? 0n
      nonces.set(call.from, nonce + 1n)
      return makeTx({ ...call, value: call.value ?? 0n, nonce, maxPriorityFeePerGas: 1n })
    },
    async run(txs) {
      const header = makeHeader(number++, { gasLimit: 1_000_000_000n })
      const result = await executor.executeBlock({ header, txs }, state)
      state.apply(result.writeSet)
      const failed = result.skipped[0] ?? result.receipts.find((r) => r.status !== 1)
      if (failed || result.receipts.length !== txs.length)
        throw new Error(
          `${label}: a transaction failed: ${JSON.stringify(failed, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
        )
      return result
    },
  }
}

/** Blocks of `BLOCK_TXS`: transaction `j` (0 ≤ j < total) is `call(j)`. */
export function blocksOf(chain: BenchChain, total: number, call: (j: number) => BenchCall): ExecutableTx[][] {
  const blocks: ExecutableTx[][] = []
  for (let i = 0; i < total; i += BLOCK_TXS) {
    const block: ExecutableTx[] = []
    for (let j = i; j < Math.min(total, i + BLOCK_TXS); j++) block.push(chain.tx(call(j)))
    blocks.push(block)
  }
  return blocks
}

/**
 * CPU seconds of this process's main thread (Linux: `/proc/self/task/<pid>/stat`, 10 ms ticks), the
 * thread the serial executor runs on; V8's garbage-collector helper threads, which `process.cpuUsage`
 * adds in, are left out. Elsewhere the process's CPU time.
 */
export function mainThreadCpuSeconds(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')
    if (fields) return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    // not Linux: below
  }
  const cpu = process.cpuUsage()
  return (cpu.user + cpu.system) / 1e6
}

/**
 * One benchmark row. `txPerSecond` is wall clock; `txPerThreadCpuSecond` divides by the main thread's CPU
 * time (tx/s on one thread; a shared machine disturbs it less than wall time); `txPerCpuSecond` by the
 * whole process's (the collector's helper threads included).
 */
export type Row = {
  workload: string
  engine: EvmEngine
  txs: number
  seconds: number
  txPerSecond: number
  cpuSeconds: number
  txPerCpuSecond: number
  threadCpuSeconds: number
  txPerThreadCpuSecond: number
  gasPerTx: number
}

/** Runs the prepared blocks and times them (wall, process CPU, main-thread CPU); every transaction must succeed. */
export async function measure(
  workload: string,
  engine: EvmEngine,
  blocks: ExecutableTx[][],
  run: (txs: ExecutableTx[]) => Promise<BlockExecutionResult>,
): Promise<Row> {
  let gas = 0n
  let count = 0
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  const threadStart = mainThreadCpuSeconds()
  for (const block of blocks) {
    const result = await run(block)
    gas += result.gasUsed
    count += result.receipts.length
  }
  const threadCpuSeconds = mainThreadCpuSeconds() - threadStart
  const seconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuStart)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  return {
    workload,
    engine,
    txs: count,
    seconds,
    txPerSecond: count / seconds,
    cpuSeconds,
    txPerCpuSecond: count / cpuSeconds,
    threadCpuSeconds,
    txPerThreadCpuSecond: count / threadCpuSeconds,
    gasPerTx: Number(gas) / count,
  }
}
