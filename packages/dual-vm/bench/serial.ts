/**
 * Serial executor throughput: ERC20 transfers on the EVM (and, once the WASM
 * engine is in, token transfers on WASM). Senders are pre-recovered (the node
 * checks signatures before execution), so this measures execution + state
 * root only. `--json` prints one JSON object as the last line.
 *
 *   npm run bench -w @rollup-mesh/dual-vm [-- --json] [-- --txs 2000] [-- --warmup 1000] [-- --only swap]
 *
 * Workloads, each on both EVM engines in one run: ERC20 transfer, keccak loop, ERC20 transferFrom with an
 * allowance, Uniswap V2 swap, WETH deposit + withdraw, contract deployment (bench/workloads.ts), WASM token.
 */
import '@rollup-mesh/core/polyfill'
import { fileURLToPath } from 'node:url'
import type { BlockContext, BlockExecutionResult, ExecutableTx } from '@rollup-mesh/core'
import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  keccak256,
  numberToHex,
  parseEther,
} from 'viem'
import { compileAssemblyScript } from '../src/compile/assemblyscript.js'
import {
  compileSolidity,
  compileSolidityFile,
  createMemoryState,
  createSerialExecutor,
  type EvmEngine,
  type MemoryState,
} from '../src/index.js'
import { createWasmEngine } from '../src/wasm/engine.js'
import type { WasmEngine } from '../src/wasm/types.js'
import {
  type ContractWorkload,
  deploymentWorkload,
  transferFromWorkload,
  uniswapWorkload,
  wethWorkload,
} from './workloads.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const txsArg = args.indexOf('--txs')
const TXS = txsArg >= 0 ? Number(args[txsArg + 1]) : 2000
const BLOCK_TXS = 500
const warmupArg = args.indexOf('--warmup')
const WARMUP_TXS = warmupArg >= 0 ? Number(args[warmupArg + 1]) : 1000
const EXAMPLES = fileURLToPath(new URL('../../../examples/contracts/', import.meta.url))

const SENDERS = 64
const senders = Array.from({ length: SENDERS }, (_, i) => numberToHex(0x1000 + i, { size: 20 }) as Address)
const BASE_FEE = 1_000_000_000n
let hashCounter = 0

function header(number: bigint): BlockContext {
  return {
    number,
    timestamp: 1_700_000_000n + number,
    coinbase: '0x00000000000000000000000000000000c0ffee00',
    baseFeePerGas: BASE_FEE,
    gasLimit: 1_000_000_000n,
    chainId: 31_337n,
    prevRandao: numberToHex(number, { size: 32 }),
  }
}

function tx(from: Address, nonce: bigint, to: Address | null, data: Hex, gas: bigint): ExecutableTx {
  return {
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
  }
}

/** `txPerCpuSecond` divides by the process's CPU time (user + system), which a shared machine disturbs less than wall time. */
type Row = {
  workload: string
  engine: EvmEngine
  txs: number
  seconds: number
  txPerSecond: number
  cpuSeconds: number
  txPerCpuSecond: number
  gasPerTx: number
}

type TokenArtifact = { abi: Abi; bytecode: Hex; wasm?: WasmEngine }
type Workload = {
  /** Deploys what the workload calls (constructor args for the token ABI, or none). */
  deployArgs: readonly unknown[]
  /** The calldata of the j-th timed or warm-up transaction. */
  call: (abi: Abi, j: number, offset: number) => Hex
  gas: bigint
}

const TOKEN_TRANSFER: Workload = {
  deployArgs: ['Token', 'TKN', 10n ** 30n],
  // Every transfer goes to a fresh recipient: a zero-to-non-zero balance store, the expensive case.
  call: (abi, j, offset) =>
    encodeFunctionData({ abi, functionName: 'transfer', args: [numberToHex(offset + j, { size: 20 }), 1n] }),
  gas: 100_000n,
}

/** 64 keccak256 rounds and one SSTORE per transaction (`KeccakLoop.run(64)`): interpreter-bound. */
const KECCAK_LOOP: Workload = {
  deployArgs: [],
  call: (abi) => encodeFunctionData({ abi, functionName: 'run', args: [64n] }),
  gas: 500_000n,
}
const KECCAK_LOOP_SOURCE = `pragma solidity ^0.8.0;
contract KeccakLoop {
  uint256 public acc;
  function run(uint256 n) external {
    uint256 x = acc;
    for (uint256 i; i < n; ++i) x = uint256(keccak256(abi.encode(x, i)));
    acc = x;
  }
}`

/** The same transfer workload against any implementation of the example token's ABI. */
async function benchToken(
  workload: string,
  token: TokenArtifact,
  engine: EvmEngine,
  shape: Workload = TOKEN_TRANSFER,
): Promise<Row> {
  const state: MemoryState = createMemoryState(
    Object.fromEntries(senders.map((s) => [s, { balance: parseEther('1000') }])),
  )
  const executor = createSerialExecutor({ wasm: token.wasm, evm: engine })
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
    return result
  }
  // Setup: deploy, then give every sender tokens.
  const deploy = tx(
    senders[0]!,
    nextNonce(senders[0]!),
    null,
    encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: shape.deployArgs }),
    10_000_000n,
  )
  const deployed = await run([deploy])
  if (deployed.receipts[0]?.status !== 1) throw new Error(`${workload}: deployment failed`)
  const address = deployed.receipts[0]!.contractAddress!
  const transfer = (to: Address, value: bigint) =>
    encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, value] })
  if (shape === TOKEN_TRANSFER)
    await run(
      senders
        .slice(1)
        .map((s) => tx(senders[0]!, nextNonce(senders[0]!), address, transfer(s, 10n ** 24n), 100_000n)),
    )

  const makeBlocks = (total: number, offset: number) => {
    const blocks: ExecutableTx[][] = []
    for (let i = 0; i < total; i += BLOCK_TXS) {
      const block: ExecutableTx[] = []
      for (let j = i; j < Math.min(total, i + BLOCK_TXS); j++) {
        const from = senders[j % SENDERS]!
        block.push(tx(from, nextNonce(from), address, shape.call(token.abi, j, offset), shape.gas))
      }
      blocks.push(block)
    }
    return blocks
  }
  // Warm-up (JIT, caches), not timed.
  await measure('warm-up', engine, makeBlocks(WARMUP_TXS, 0x100000), run)
  const row = await measure(workload, engine, makeBlocks(TXS, 0x200000), run)
  if (engine === 'fast' && executor.evmStats.fallback > 0)
    throw new Error(`${workload}: the fast engine fell back on ${executor.evmStats.fallback} transactions`)
  return row
}

/** A contract workload of `bench/workloads.ts` on `engine`: its setup, a warm-up, then the timed blocks. */
async function benchContract(workload: ContractWorkload, engine: EvmEngine): Promise<Row> {
  const state: MemoryState = createMemoryState(
    Object.fromEntries(senders.map((s) => [s, { balance: parseEther('1000') }])),
  )
  const executor = createSerialExecutor({ evm: engine })
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
    return result
  }
  const next = await workload.setup({
    senders,
    run: async (calls) => {
      const result = await run(
        calls.map((c) => ({ ...tx(c.from, nextNonce(c.from), c.to, c.data, c.gas), value: c.value ?? 0n })),
      )
      const failed = result.skipped[0] ?? result.receipts.find((r) => r.status !== 1)
      if (failed || result.receipts.length !== calls.length)
        throw new Error(
          `${workload.name}: a setup transaction failed: ${JSON.stringify(failed, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
        )
      return result.receipts
    },
  })
  const rounds = new Map<Address, number>()
  const makeBlocks = (total: number, offset: number) => {
    const blocks: ExecutableTx[][] = []
    for (let i = 0; i < total; i += BLOCK_TXS) {
      const block: ExecutableTx[] = []
      for (let j = i; j < Math.min(total, i + BLOCK_TXS); j++) {
        const from = senders[j % SENDERS]!
        const round = rounds.get(from) ?? 0
        rounds.set(from, round + 1)
        const c = next(from, offset + j, round)
        block.push({ ...tx(from, nextNonce(from), c.to, c.data, c.gas), value: c.value ?? 0n })
      }
      blocks.push(block)
    }
    return blocks
  }
  await measure('warm-up', engine, makeBlocks(WARMUP_TXS, 0x100000), run)
  const row = await measure(workload.name, engine, makeBlocks(TXS, 0x200000), run)
  if (engine === 'fast' && executor.evmStats.fallback > 0)
    throw new Error(
      `${workload.name}: the fast engine fell back on ${executor.evmStats.fallback} transactions`,
    )
  return row
}

/** Runs the prepared blocks and times them (wall and CPU); every transaction must succeed. */
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
  for (const block of blocks) {
    const result = await run(block)
    const failed = result.skipped[0] ?? result.receipts.find((r) => r.status !== 1)
    if (failed)
      throw new Error(
        `${workload}: a benchmark transaction failed: ${JSON.stringify(failed, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
      )
    gas += result.gasUsed
    count += result.receipts.length
  }
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
    gasPerTx: Number(gas) / count,
  }
}

const solidityToken = (await compileSolidityFile(`${EXAMPLES}Token.sol`)).contracts.Token!
const wasmToken = await compileAssemblyScript(`${EXAMPLES}token.ts`)
const keccakLoop = (await compileSolidity({ sources: { 'KeccakLoop.sol': KECCAK_LOOP_SOURCE } })).contracts
  .KeccakLoop!
const contractWorkloads: ContractWorkload[] = [
  transferFromWorkload(solidityToken),
  await uniswapWorkload(),
  wethWorkload(),
  deploymentWorkload(solidityToken),
]
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined
const rows: Row[] = []
// Both engines of a workload one after the other (same minute of a shared machine), ethereumjs first.
for (const engine of ['ethereumjs', 'fast'] as const)
  rows.push(await benchToken('EVM ERC20 transfer (Token.sol)', solidityToken, engine))
for (const engine of ['ethereumjs', 'fast'] as const)
  rows.push(await benchToken('EVM keccak loop (64 rounds)', keccakLoop, engine, KECCAK_LOOP))
for (const workload of contractWorkloads) {
  if (only && !workload.name.toLowerCase().includes(only.toLowerCase())) continue
  for (const engine of ['ethereumjs', 'fast'] as const) rows.push(await benchContract(workload, engine))
}
// WASM contracts run on the WASM engine whichever EVM engine is chosen.
rows.push(
  await benchToken(
    'WASM token transfer (token.ts)',
    { ...wasmToken, wasm: createWasmEngine() },
    'ethereumjs',
  ),
)
const speedup = (workload: string) => {
  const base = rows.find((r) => r.workload === workload && r.engine === 'ethereumjs')
  const fast = rows.find((r) => r.workload === workload && r.engine === 'fast')
  return base && fast ? fast.txPerCpuSecond / base.txPerCpuSecond : undefined
}

if (!json || process.stdout.isTTY) {
  const lines = [
    ['workload', 'engine', 'txs', 'wall s', 'tx/s', 'cpu s', 'tx/cpu-s', 'gas/tx', 'fast/ejs (cpu)'],
    ...rows.map((r) => [
      r.workload,
      r.engine,
      String(r.txs),
      r.seconds.toFixed(2),
      r.txPerSecond.toFixed(0),
      r.cpuSeconds.toFixed(2),
      r.txPerCpuSecond.toFixed(0),
      r.gasPerTx.toFixed(0),
      r.engine === 'fast' ? `${speedup(r.workload)?.toFixed(2)}x` : '',
    ]),
  ]
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)))
  for (const l of lines) process.stdout.write(`${l.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`)
  process.stdout.write(
    '(serial on one thread, senders pre-recovered, state root included; tx/cpu-s divides by the CPU time of this process, which other load on a shared machine disturbs less than wall time)\n',
  )
}
if (json) process.stdout.write(`${JSON.stringify({ serial: rows })}\n`)
