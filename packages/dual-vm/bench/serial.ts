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
import type { Address } from 'viem'
import { encodeFunctionData } from 'viem'
import { compileAssemblyScript } from '../src/compile/assemblyscript.js'
import { compileSolidity, compileSolidityFile, type EvmEngine } from '../src/index.js'
import { createWasmEngine } from '../src/wasm/engine.js'
import { createBenchChain, measure, type Row, SENDERS, senders } from './benchChain.js'
import { benchToken, type TokenWorkload } from './tokenBench.js'
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
const warmupArg = args.indexOf('--warmup')
const WARMUP_TXS = warmupArg >= 0 ? Number(args[warmupArg + 1]) : 1000
const EXAMPLES = fileURLToPath(new URL('../../../examples/contracts/', import.meta.url))

/** 64 keccak256 rounds and one SSTORE per transaction (`KeccakLoop.run(64)`): interpreter-bound. */
const KECCAK_LOOP: TokenWorkload = {
  deployArgs: [],
  call: (abi) => encodeFunctionData({ abi, functionName: 'run', args: [64n] }),
  gas: 500_000n,
  fund: false,
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

/** A contract workload of `bench/workloads.ts` on `engine`: its setup, a warm-up, then the timed blocks. */
async function benchContract(workload: ContractWorkload, engine: EvmEngine): Promise<Row> {
  const chain = createBenchChain({ evm: engine }, workload.name)
  const next = await workload.setup({
    senders,
    run: async (calls) => (await chain.run(calls.map((c) => chain.tx(c)))).receipts,
  })
  const rounds = new Map<Address, number>()
  const makeBlocks = (total: number, offset: number) => {
    const blocks: ReturnType<typeof chain.tx>[][] = []
    for (let i = 0; i < total; i += 500) {
      const block: ReturnType<typeof chain.tx>[] = []
      for (let j = i; j < Math.min(total, i + 500); j++) {
        const from = senders[j % SENDERS] as Address
        const round = rounds.get(from) ?? 0
        rounds.set(from, round + 1)
        block.push(chain.tx({ from, ...next(from, offset + j, round) }))
      }
      blocks.push(block)
    }
    return blocks
  }
  await measure('warm-up', engine, makeBlocks(WARMUP_TXS, 0x100000), chain.run)
  const row = await measure(workload.name, engine, makeBlocks(TXS, 0x200000), chain.run)
  if (engine === 'fast' && chain.executor.evmStats.fallback > 0)
    throw new Error(
      `${workload.name}: the fast engine fell back on ${chain.executor.evmStats.fallback} transactions`,
    )
  return row
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
/** The figure: ERC20 transfers on one thread, fast vs ethereumjs. */
const ERC20_ROW = 'EVM ERC20 transfer (Token.sol)'
// Both engines of a workload one after the other (same minute of a shared machine), ethereumjs first.
for (const engine of ['ethereumjs', 'fast'] as const)
  rows.push(await benchToken(ERC20_ROW, solidityToken, engine, { txs: TXS, warmup: WARMUP_TXS }))
for (const engine of ['ethereumjs', 'fast'] as const)
  rows.push(
    await benchToken('EVM keccak loop (64 rounds)', keccakLoop, engine, {
      txs: TXS,
      warmup: WARMUP_TXS,
      shape: KECCAK_LOOP,
    }),
  )
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
    {
      txs: TXS,
      warmup: WARMUP_TXS,
    },
  ),
)
const speedup = (workload: string) => {
  const base = rows.find((r) => r.workload === workload && r.engine === 'ethereumjs')
  const fast = rows.find((r) => r.workload === workload && r.engine === 'fast')
  return base && fast ? fast.txPerThreadCpuSecond / base.txPerThreadCpuSecond : undefined
}

if (!json || process.stdout.isTTY) {
  const lines = [
    [
      'workload',
      'engine',
      'txs',
      'wall s',
      'tx/s (wall)',
      'thread cpu s',
      'tx/s one thread',
      'process cpu s',
      'tx/cpu-s (process)',
      'gas/tx',
      'fast/ejs (thread)',
    ],
    ...rows.map((r) => [
      r.workload,
      r.engine,
      String(r.txs),
      r.seconds.toFixed(2),
      r.txPerSecond.toFixed(0),
      r.threadCpuSeconds.toFixed(2),
      r.txPerThreadCpuSecond.toFixed(0),
      r.cpuSeconds.toFixed(2),
      r.txPerCpuSecond.toFixed(0),
      r.gasPerTx.toFixed(0),
      r.engine === 'fast' ? `${speedup(r.workload)?.toFixed(2)}x` : '',
    ]),
  ]
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)))
  for (const l of lines) process.stdout.write(`${l.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`)
  process.stdout.write(
    '(serial executor, senders pre-recovered as the executor receives them, state root per block of 500 included; "tx/s one thread" divides by the CPU time of the thread the executor runs on, which other load on a shared machine disturbs less than wall time; "tx/cpu-s (process)" adds the garbage collector\'s helper threads)\n',
  )
}
if (json) process.stdout.write(`${JSON.stringify({ serial: rows })}\n`)
