/**
 * The `bench:dual-vm` ERC20 transfer row alone (`bench/tokenBench.ts:benchToken`: Token.sol, a fresh
 * recipient per transfer, senders pre-recovered, state root per block included), for profiling and for
 * the figure: tx/s on one thread (the executor's thread's CPU time), beside wall clock and the
 * process's CPU time.
 *
 *   node --import tsx --conditions source bench/erc20Driver.ts [--engine fast] [--txs 9000] [--warmup 3000]
 *     [--profile out.cpuprofile]
 *
 * `--profile file`: a CPU profile of the timed transfers only.
 */
import '@rollup-mesh/core/polyfill'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { fileURLToPath } from 'node:url'
import { parseEvmEngine } from '../src/executor/fastPath.js'
import { compileSolidityFile } from '../src/index.js'
import { benchToken, type TimedHooks } from './tokenBench.js'

const args = process.argv.slice(2)
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const engine = parseEvmEngine(arg('--engine') ?? 'fast', '--engine')
const txs = Number(arg('--txs') ?? 9_000)
const warmup = Number(arg('--warmup') ?? 3_000)
const EXAMPLES = fileURLToPath(new URL('../../../examples/contracts/', import.meta.url))

const token = (await compileSolidityFile(`${EXAMPLES}Token.sol`)).contracts.Token
if (!token) throw new Error('Token.sol did not compile')

const profile = arg('--profile')
const session = profile ? new Session() : undefined
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) =>
    session?.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  )
const hooks: TimedHooks = {
  before: async () => {
    if (!session) return
    session.connect()
    await post('Profiler.enable')
    await post('Profiler.start')
  },
  after: async () => {
    if (!session || !profile) return
    const { profile: data } = (await post('Profiler.stop')) as { profile: unknown }
    writeFileSync(profile, JSON.stringify(data))
  },
}
const row = await benchToken('EVM ERC20 transfer (Token.sol)', token, engine, { txs, warmup, hooks })
process.stdout.write(
  `${engine}: ${row.txs} ERC20 transfers timed (after ${warmup} warm-up), ${row.txPerThreadCpuSecond.toFixed(0)} tx/s on one thread ` +
    `(${row.threadCpuSeconds.toFixed(2)} s of the executor thread's CPU), ${row.txPerSecond.toFixed(0)} tx/s wall, ` +
    `${row.txPerCpuSecond.toFixed(0)} tx per process CPU-second (collector threads included)\n`,
)
