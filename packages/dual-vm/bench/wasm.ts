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
import type { BlockContext, ExecutableTx } from '@rollup-mesh/core'
import {
  type Address,
  bytesToHex,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  hexToBytes,
  keccak256,
  numberToHex,
  parseEther,
} from 'viem'
import {
  compileAssemblyScript,
  createMemoryState,
  createSerialExecutor,
  createWasmEngine,
  type WasmCallContext,
  type WasmHost,
} from '../src/index.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const txsArg = args.indexOf('--txs')
const TXS = txsArg >= 0 ? Number(args[txsArg + 1]) : 4000
const BLOCK_TXS = 500
const EXAMPLES = fileURLToPath(new URL('../../../examples/contracts/', import.meta.url))
const SENDERS = 64
const senders = Array.from({ length: SENDERS }, (_, i) => numberToHex(0x1000 + i, { size: 20 }) as Address)
const BASE_FEE = 1_000_000_000n
let hashCounter = 0

type Row = {
  workload: string
  txs: number
  seconds: number
  txPerSecond: number
  cpuSeconds: number
  gasPerTx: number
}

const header = (number: bigint): BlockContext => ({
  number,
  timestamp: 1_700_000_000n + number,
  coinbase: '0x00000000000000000000000000000000c0ffee00',
  baseFeePerGas: BASE_FEE,
  gasLimit: 1_000_000_000n,
  chainId: 31_337n,
  prevRandao: numberToHex(number, { size: 32 }),
})

const tx = (from: Address, nonce: bigint, to: Address | null, data: Hex, gas: bigint): ExecutableTx => ({
  hash: keccak256(numberToHex(++hashCounter)),
  from,
  type: 'eip1559',
  nonce,
  to,
  value: 0n,
  data,
  gas,
  maxFeePerGas: 2n * BASE_FEE,
  maxPriorityFeePerGas: 1n,
})

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

async function benchExecutor(): Promise<Row> {
  const wasm = createWasmEngine()
  const state = createMemoryState(
    Object.fromEntries(senders.map((s) => [s, { balance: parseEther('1000') }])),
  )
  const executor = createSerialExecutor({ wasm })
  const nonces = new Map<Address, bigint>()
  const nextNonce = (a: Address) => {
    const n = nonces.get(a) ?? 0n
    nonces.set(a, n + 1n)
    return n
  }
  let number = 1n
  const run = async (txs: ExecutableTx[]) => {
    const result = await executor.executeBlock({ header: header(number++), txs }, state)
    state.apply(result.writeSet)
    const failed = result.skipped[0] ?? result.receipts.find((r) => r.status !== 1)
    if (failed)
      throw new Error(
        `a WASM benchmark transaction failed: ${String((failed as { reason?: string }).reason ?? 'revert')}`,
      )
    return result
  }
  const deployData = encodeDeployData({
    abi: token.abi,
    bytecode: token.bytecode,
    args: ['Token', 'TKN', 10n ** 30n],
  } as never)
  const deployed = await run([tx(senders[0]!, nextNonce(senders[0]!), null, deployData, 15_000_000n)])
  const address = deployed.receipts[0]!.contractAddress!
  await run(
    senders
      .slice(1)
      .map((s) => tx(senders[0]!, nextNonce(senders[0]!), address, transfer(s, 10n ** 24n), 200_000n)),
  )
  const blocks = (total: number, offset: number) => {
    const out: ExecutableTx[][] = []
    for (let i = 0; i < total; i += BLOCK_TXS) {
      const block: ExecutableTx[] = []
      for (let j = i; j < Math.min(total, i + BLOCK_TXS); j++) {
        const from = senders[j % SENDERS]!
        block.push(
          tx(
            from,
            nextNonce(from),
            address,
            transfer(numberToHex(offset + j, { size: 20 }) as Address, 1n),
            200_000n,
          ),
        )
      }
      out.push(block)
    }
    return out
  }
  for (const b of blocks(1000, 0x100000)) await run(b)
  const measured = blocks(TXS, 0x200000)
  return timed('WASM token transfer (token.ts), serial executor', TXS, async () => {
    let gas = 0n
    for (const b of measured) gas += (await run(b)).gasUsed
    return gas
  })
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
