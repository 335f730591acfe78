/**
 * Serial executor throughput: ERC20 transfers on the EVM (and, once the WASM
 * engine is in, token transfers on WASM). Senders are pre-recovered (the node
 * checks signatures before execution), so this measures execution + state
 * root only. `--json` prints one JSON object as the last line.
 *
 *   npm run bench -w @rollup-mesh/dual-vm [-- --json] [-- --txs 2000]
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
  compileSolidityFile,
  createMemoryState,
  createSerialExecutor,
  type MemoryState,
} from '../src/index.js'
import { createWasmEngine } from '../src/wasm/engine.js'
import type { WasmEngine } from '../src/wasm/types.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const txsArg = args.indexOf('--txs')
const TXS = txsArg >= 0 ? Number(args[txsArg + 1]) : 2000
const BLOCK_TXS = 500
const WARMUP_TXS = 1000
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
  txs: number
  seconds: number
  txPerSecond: number
  cpuSeconds: number
  txPerCpuSecond: number
  gasPerTx: number
}

type TokenArtifact = { abi: Abi; bytecode: Hex; wasm?: WasmEngine }

/** The same transfer workload against any implementation of the example token's ABI. */
async function benchToken(workload: string, token: TokenArtifact): Promise<Row> {
  const state: MemoryState = createMemoryState(
    Object.fromEntries(senders.map((s) => [s, { balance: parseEther('1000') }])),
  )
  const executor = createSerialExecutor({ wasm: token.wasm })
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
    encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['Token', 'TKN', 10n ** 30n] }),
    10_000_000n,
  )
  const deployed = await run([deploy])
  if (deployed.receipts[0]?.status !== 1) throw new Error(`${workload}: deployment failed`)
  const address = deployed.receipts[0]!.contractAddress!
  const transfer = (to: Address, value: bigint) =>
    encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, value] })
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
        // Every transfer goes to a fresh recipient: a zero-to-non-zero balance store, the expensive case.
        const to = numberToHex(offset + j, { size: 20 }) as Address
        block.push(tx(from, nextNonce(from), address, transfer(to, 1n), 100_000n))
      }
      blocks.push(block)
    }
    return blocks
  }
  // Warm-up (JIT, caches), not timed.
  await measure('warm-up', makeBlocks(WARMUP_TXS, 0x100000), run)
  return measure(workload, makeBlocks(TXS, 0x200000), run)
}

/** Runs the prepared blocks and times them (wall and CPU); every transaction must succeed. */
export async function measure(
  workload: string,
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
const rows: Row[] = [
  await benchToken('EVM ERC20 transfer (Token.sol)', solidityToken),
  await benchToken('WASM token transfer (token.ts)', { ...wasmToken, wasm: createWasmEngine() }),
]

if (!json || process.stdout.isTTY) {
  const lines = [
    ['workload', 'txs', 'wall s', 'tx/s', 'cpu s', 'tx/cpu-s', 'gas/tx'],
    ...rows.map((r) => [
      r.workload,
      String(r.txs),
      r.seconds.toFixed(2),
      r.txPerSecond.toFixed(0),
      r.cpuSeconds.toFixed(2),
      r.txPerCpuSecond.toFixed(0),
      r.gasPerTx.toFixed(0),
    ]),
  ]
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)))
  for (const l of lines) process.stdout.write(`${l.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`)
  process.stdout.write(
    '(serial on one thread, senders pre-recovered, state root included; tx/cpu-s divides by the CPU time of this process, which other load on a shared machine disturbs less than wall time)\n',
  )
}
if (json) process.stdout.write(`${JSON.stringify({ serial: rows })}\n`)
