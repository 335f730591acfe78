/**
 * WASM throughput: AssemblyScript token transfers (examples/contracts/token.ts)
 * through the serial executor (the same workload as bench/serial.ts's EVM row:
 * every transfer to a fresh recipient), plus the engine alone against a Map
 * host, and the cost of one record/replay cross-VM call. Senders are
 * pre-recovered. `--json` prints one JSON object as the last line.
 *
 *   node --import tsx --conditions source bench/wasm.ts [--json] [--txs 4000]
 */
import '@rollup-mesh/core/polyfill'
import { fileURLToPath } from 'node:url'
import { type Address, bytesToHex, encodeDeployData, encodeFunctionData, hexToBytes, numberToHex } from 'viem'
import { compileAssemblyScript, createWasmEngine, type WasmCallContext, type WasmHost } from '../src/index.js'
import { senders } from './benchChain.js'
import { benchToken, TOKEN_TRANSFER, type TokenArtifact } from './tokenBench.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const txsArg = args.indexOf('--txs')
const TXS = txsArg >= 0 ? Number(args[txsArg + 1]) : 4000
const EXAMPLES = fileURLToPath(new URL('../../../examples/contracts/', import.meta.url))

type Row = {
  workload: string
  txs: number
  seconds: number
  txPerSecond: number
  cpuSeconds: number
  gasPerTx: number
}

async function timed(workload: string, count: number, body: () => Promise<bigint>): Promise<Row> {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const gas = await body()
  const seconds = (performance.now() - start) / 1000
  const c = process.cpuUsage(cpu)
  return {
    workload,
    txs: count,
    seconds,
    txPerSecond: count / seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    gasPerTx: Number(gas) / count,
  }
}

const token = await compileAssemblyScript(`${EXAMPLES}token.ts`)
const transfer = (to: Address, value: bigint) =>
  encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, value] } as never)

/** The serial executor row: `bench:dual-vm`'s token-transfer workload (`bench/tokenBench.ts`) on token.ts. */
async function benchExecutor(): Promise<Row> {
  const row = await benchToken(
    'WASM token transfer (token.ts), serial executor',
    { ...token, wasm: createWasmEngine() } as TokenArtifact,
    'ethereumjs',
    { txs: TXS, warmup: 1000, shape: { ...TOKEN_TRANSFER, gas: 200_000n } },
  )
  return {
    workload: row.workload,
    txs: row.txs,
    seconds: row.seconds,
    txPerSecond: row.txPerSecond,
    cpuSeconds: row.cpuSeconds,
    gasPerTx: row.gasPerTx,
  }
}

/** The engine alone: a Map-backed host (no journal, no EVM, no receipts). */
async function benchEngine(): Promise<Row> {
  const engine = createWasmEngine()
  const storage = new Map<string, Uint8Array>()
  const host: WasmHost = {
    sload: (slot) => storage.get(bytesToHex(slot)) ?? new Uint8Array(32),
    sstore: (slot, value) => void storage.set(bytesToHex(slot), value),
    balance: () => 0n,
    emitLog: () => {},
    call: async () => ({ success: false, returnData: new Uint8Array(0), gasUsed: 0n }),
  }
  const ctx = (calldata: Uint8Array, caller: Address): WasmCallContext => ({
    address: '0x00000000000000000000000000000000000000aa',
    caller,
    origin: caller,
    value: 0n,
    calldata,
    gasLimit: 1_000_000n,
    isStatic: false,
    depth: 0,
    block: { number: 1n, timestamp: 1n, chainId: 31337n, coinbase: caller, baseFeePerGas: 0n },
  })
  const deployment = engine.prepareDeployment(
    hexToBytes(
      encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['T', 'T', 10n ** 30n] } as never),
    ),
  )
  await engine.construct(deployment.code, ctx(deployment.constructorArgs, senders[0]!), host)
  const calls = Array.from({ length: TXS }, (_, j) =>
    hexToBytes(transfer(numberToHex(0x300000 + j, { size: 20 }) as Address, 1n)),
  )
  for (let j = 0; j < 1000; j++)
    await engine.call(deployment.code, ctx(calls[j % calls.length]!, senders[0]!), host)
  return timed('WASM token transfer, engine only (Map host)', TXS, async () => {
    let gas = 0n
    for (const data of calls) {
      const r = await engine.call(deployment.code, ctx(data, senders[0]!), host)
      if (r.status !== 'success') throw new Error(`engine transfer failed: ${r.error}`)
      gas += r.gasUsed
    }
    return gas
  })
}

/**
 * Record/replay cost: caller.ts's readCount(counter) makes one cross-contract
 * call (one re-run of the caller's frame) against counter.ts's count() called
 * directly, both on the engine with Map hosts.
 */
async function benchReplay(): Promise<Row[]> {
  const engine = createWasmEngine()
  const [counter, caller] = await Promise.all([
    compileAssemblyScript(`${EXAMPLES}counter.ts`),
    compileAssemblyScript(`${EXAMPLES}caller.ts`),
  ])
  const counterAddress: Address = '0x00000000000000000000000000000000000000c0'
  const callerAddress: Address = '0x00000000000000000000000000000000000000ca'
  const counterCode = engine.prepareDeployment(hexToBytes(counter.bytecode)).code
  const callerCode = engine.prepareDeployment(hexToBytes(caller.bytecode)).code
  const storage = new Map<string, Uint8Array>()
  const ctx = (
    address: Address,
    calldata: Uint8Array,
    gasLimit: bigint,
    isStatic = false,
  ): WasmCallContext => ({
    address,
    caller: senders[0]!,
    origin: senders[0]!,
    value: 0n,
    calldata,
    gasLimit,
    isStatic,
    depth: 0,
    block: { number: 1n, timestamp: 1n, chainId: 31337n, coinbase: senders[0]!, baseFeePerGas: 0n },
  })
  const host: WasmHost = {
    sload: (slot) => storage.get(bytesToHex(slot)) ?? new Uint8Array(32),
    sstore: (slot, value) => void storage.set(bytesToHex(slot), value),
    balance: () => 0n,
    emitLog: () => {},
    call: async (request) => {
      const r = await engine.call(counterCode, ctx(counterAddress, request.data, request.gas, true), host)
      return { success: r.status === 'success', returnData: r.returnData, gasUsed: r.gasUsed }
    },
  }
  const direct = hexToBytes(encodeFunctionData({ abi: counter.abi, functionName: 'count' } as never))
  const viaCaller = hexToBytes(
    encodeFunctionData({ abi: caller.abi, functionName: 'readCount', args: [counterAddress] } as never),
  )
  const N = Math.max(1000, TXS / 2)
  const loop = (code: Uint8Array, address: Address, data: Uint8Array) => async () => {
    let gas = 0n
    for (let i = 0; i < N; i++) {
      const r = await engine.call(code, ctx(address, data, 1_000_000n), host)
      if (r.status !== 'success') throw new Error(`replay bench call failed: ${r.error}`)
      gas += r.gasUsed
    }
    return gas
  }
  await loop(callerCode, callerAddress, viaCaller)()
  return [
    await timed('WASM count(), direct (engine only)', N, loop(counterCode, counterAddress, direct)),
    await timed(
      'WASM readCount() -> count(), 1 replay (engine only)',
      N,
      loop(callerCode, callerAddress, viaCaller),
    ),
  ]
}

const rows = [await benchExecutor(), await benchEngine(), ...(await benchReplay())]
/** asc compile time with the compiler already loaded (the first compile also loads asc and binaryen). */
const compileMs = (await compileAssemblyScript(`${EXAMPLES}token.ts`)).ms
if (!json || process.stdout.isTTY) {
  const lines = [
    ['workload', 'txs', 'wall s', 'tx/s', 'cpu s', 'tx/cpu-s', 'gas/tx'],
    ...rows.map((r) => [
      r.workload,
      String(r.txs),
      r.seconds.toFixed(2),
      r.txPerSecond.toFixed(0),
      r.cpuSeconds.toFixed(2),
      (r.txs / r.cpuSeconds).toFixed(0),
      r.gasPerTx.toFixed(0),
    ]),
  ]
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)))
  for (const l of lines) process.stdout.write(`${l.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`)
  process.stdout.write(
    `(serial on one thread, senders pre-recovered, state root included in the executor row; tx/cpu-s divides by this process's CPU time; token.ts compiled by asc in ${compileMs.toFixed(0)} ms with asc loaded)\n`,
  )
}
if (json) process.stdout.write(`${JSON.stringify({ wasm: rows, compileTokenMs: Math.round(compileMs) })}\n`)
