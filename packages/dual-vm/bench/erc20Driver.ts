/**
 * A small driver for profiling the fast engine's ERC20 transfer path as the serial executor runs it
 * (`node --import tsx --conditions source bench/erc20Driver.ts [--engine fast] [--txs 20000] [--profile
 * out.cpuprofile]`: a CPU profile of the timed part, after a warm-up of a quarter of the transactions):
 * the same workload as `bench:dual-vm`'s first row (Token.sol, a fresh recipient per transfer, pre-recovered
 * senders, state root included), printing tx per CPU-second.
 */
import '@rollup-mesh/core/polyfill'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { fileURLToPath } from 'node:url'
import type { BlockContext, ExecutableTx } from '@rollup-mesh/core'
import {
  type Address,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  keccak256,
  numberToHex,
  parseEther,
} from 'viem'
import { parseEvmEngine } from '../src/executor/fastPath.js'
import { compileSolidityFile, createMemoryState, createSerialExecutor } from '../src/index.js'

const args = process.argv.slice(2)
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const engine = parseEvmEngine(arg('--engine') ?? 'fast', '--engine')
const TXS = Number(arg('--txs') ?? 20_000)
const BLOCK_TXS = 500
const EXAMPLES = fileURLToPath(new URL('../../../examples/contracts/', import.meta.url))
const senders = Array.from({ length: 64 }, (_, i) => numberToHex(0x1000 + i, { size: 20 }) as Address)
const BASE_FEE = 1_000_000_000n
let hashes = 0
const header = (number: bigint): BlockContext => ({
  number,
  timestamp: 1_700_000_000n + number,
  coinbase: '0x00000000000000000000000000000000c0ffee00',
  baseFeePerGas: BASE_FEE,
  gasLimit: 1_000_000_000n,
  chainId: 31_337n,
  prevRandao: numberToHex(number, { size: 32 }),
})
const nonces = new Map<Address, bigint>()
const tx = (from: Address, to: Address | null, data: Hex, gas: bigint): ExecutableTx => {
  const nonce = nonces.get(from) ?? 0n
  nonces.set(from, nonce + 1n)
  return {
    hash: keccak256(numberToHex(++hashes)),
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

const token = (await compileSolidityFile(`${EXAMPLES}Token.sol`)).contracts.Token
if (!token) throw new Error('Token.sol did not compile')
const state = createMemoryState(Object.fromEntries(senders.map((s) => [s, { balance: parseEther('1000') }])))
const executor = createSerialExecutor({ evm: engine })
let number = 1n
const run = async (txs: ExecutableTx[]) => {
  const result = await executor.executeBlock({ header: header(number++), txs }, state)
  state.apply(result.writeSet)
  if (result.receipts.length !== txs.length || result.receipts.some((r) => r.status !== 1))
    throw new Error('a transaction failed')
  return result
}
const owner = senders[0] as Address
const deployed = await run([
  tx(owner, null, encodeDeployData({ ...token, args: ['Token', 'TKN', 10n ** 30n] }), 10_000_000n),
])
const address = deployed.receipts[0]?.contractAddress as Address
const transfer = (to: Address, v: bigint) =>
  encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, v] })
await run(senders.slice(1).map((s) => tx(owner, address, transfer(s, 10n ** 24n), 100_000n)))
const blocks: ExecutableTx[][] = []
for (let i = 0; i < TXS; i += BLOCK_TXS) {
  const block: ExecutableTx[] = []
  for (let j = i; j < Math.min(TXS, i + BLOCK_TXS); j++) {
    const from = senders[j % senders.length] as Address
    block.push(tx(from, address, transfer(numberToHex(0x200000 + j, { size: 20 }), 1n), 100_000n))
  }
  blocks.push(block)
}
// Warm-up: the first quarter of the blocks, untimed (JIT); `--profile file` profiles the timed rest only.
const warm = blocks.splice(0, Math.floor(blocks.length / 4))
for (const block of warm) await run(block)
const profile = arg('--profile')
const session = profile ? new Session() : undefined
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) =>
    session?.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  )
if (session) {
  session.connect()
  await post('Profiler.enable')
  await post('Profiler.start')
}
const cpu = process.cpuUsage()
for (const block of blocks) await run(block)
const used = process.cpuUsage(cpu)
if (session && profile) {
  const { profile: data } = (await post('Profiler.stop')) as { profile: unknown }
  writeFileSync(profile, JSON.stringify(data))
}
const timed = blocks.reduce((n, b) => n + b.length, 0)
const seconds = (used.user + used.system) / 1e6
process.stdout.write(
  `${engine}: ${timed} ERC20 transfers timed, ${seconds.toFixed(2)} CPU s, ${(timed / seconds).toFixed(0)} tx/cpu-s\n`,
)
