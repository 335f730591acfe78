// Settlement-circuit benchmark: witness, prove and verify times, constraint count, artifact sizes.
//   npm run bench -w packages/zk-bridge [-- --json] [--runs N]
import '@rollup-mesh/core/polyfill'
import { availableParallelism, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import {
  calculateSettlementWitness,
  ExitTree,
  loadSettlementArtifacts,
  proveSettlement,
  releaseZkThreads,
  SETTLEMENT_BATCH_SIZE,
  settlementCircuitInput,
  verifySettlement,
} from '../src/index.js'
import { deployVerifier, verifierArgs } from '../test/helpers/evm.js'

const { values } = parseArgs({
  options: { json: { type: 'boolean' }, runs: { type: 'string', default: '5' } },
})
const runs = Number(values.runs)

const artifacts = await loadSettlementArtifacts()
const tree = new ExitTree()
const batches = Array.from({ length: runs + 1 }, (_, b) =>
  tree.appendBatch(
    Array.from({ length: SETTLEMENT_BATCH_SIZE }, (_, i) => BigInt(b * 1000 + i + 1)),
    BigInt(b + 1),
  ),
)

const appendTree = new ExitTree()
let t = performance.now()
for (let i = 1; i <= 1024; i++) appendTree.append(BigInt(i))
const appendUs = ((performance.now() - t) * 1000) / 1024
t = performance.now()
for (let i = 0; i < 64; i++) appendTree.proof(i * 16)
const proofUs = ((performance.now() - t) * 1000) / 64

const timeOf = async (fn: () => Promise<unknown>) => {
  const started = performance.now()
  await fn()
  return performance.now() - started
}
const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return {
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
    median: sorted[Math.floor(sorted.length / 2)] as number,
    min: sorted[0] as number,
  }
}

const witnessMs: number[] = []
for (const batch of batches.slice(1)) {
  witnessMs.push(
    await timeOf(() => calculateSettlementWitness(settlementCircuitInput(batch), artifacts.wasm)),
  )
}
// the first proof also starts the curve's worker threads
const firstProveMs = await timeOf(() => proveSettlement(batches[0] as (typeof batches)[0], { artifacts }))
const proveMs: number[] = []
// CPU time of the whole process (main thread and the curve's worker threads): less noisy than wall time
// on a shared machine, and wall time ~ CPU time / cores when the cores are free
const proveCpuMs: number[] = []
const proofs = []
for (const batch of batches.slice(1)) {
  const started = performance.now()
  const cpu = process.cpuUsage()
  proofs.push(await proveSettlement(batch, { artifacts }))
  proveMs.push(performance.now() - started)
  const used = process.cpuUsage(cpu)
  proveCpuMs.push((used.user + used.system) / 1000)
}
const verifyMs: number[] = []
for (const p of proofs) {
  for (let k = 0; k < 2; k++) {
    const started = performance.now()
    const ok = await verifySettlement(artifacts.vkey, p.proof, p.publicSignals)
    verifyMs.push(performance.now() - started)
    if (!ok) throw new Error('benchmark proof did not verify')
  }
}
await releaseZkThreads()

const evm = await deployVerifier(artifacts.verifierSol)
const evmRuns = []
for (const p of proofs) evmRuns.push(await evm.verify(verifierArgs(p.proof, p.publicSignals)))
if (!evmRuns.every((r) => r.ok)) throw new Error('Verifier.sol rejected a benchmark proof')

const sizes = Object.fromEntries(Object.entries(artifacts.manifest.files).map(([f, { bytes }]) => [f, bytes]))
const totalBytes = Object.values(sizes).reduce((a, b) => a + b, 0)
const result = {
  constraints: artifacts.manifest.constraints,
  exitTreeDepth: artifacts.manifest.exitTreeDepth,
  batchSize: SETTLEMENT_BATCH_SIZE,
  runs,
  treeAppendUs: appendUs,
  treeProofUs: proofUs,
  witnessMs: stats(witnessMs),
  firstProveMs,
  proveMs: stats(proveMs),
  proveCpuMs: stats(proveCpuMs),
  cores: availableParallelism(),
  loadAverage: loadavg()[0],
  verifyMs: stats(verifyMs),
  solidityVerifyGas: Number(evmRuns[0]?.gasUsed),
  solidityVerifyMs: stats(evmRuns.map((r) => r.ms)),
  artifactBytes: sizes,
  artifactTotalBytes: totalBytes,
}

const f = (n: number) => n.toFixed(1)
const rows: [string, string][] = [
  ['constraints', String(result.constraints)],
  ['exit tree depth / batch', `${result.exitTreeDepth} / ${result.batchSize} leaves`],
  ['TS tree append (per leaf)', `${f(appendUs)} µs`],
  ['TS tree inclusion proof', `${f(proofUs)} µs`],
  ['witness (mean / median)', `${f(result.witnessMs.mean)} / ${f(result.witnessMs.median)} ms`],
  ['prove, first (starts threads)', `${f(firstProveMs)} ms`],
  [
    'prove (mean / median / min)',
    `${f(result.proveMs.mean)} / ${f(result.proveMs.median)} / ${f(result.proveMs.min)} ms`,
  ],
  ['prove CPU time (median)', `${f(result.proveCpuMs.median)} ms on ${result.cores} cores`],
  ['TS verify (mean / median)', `${f(result.verifyMs.mean)} / ${f(result.verifyMs.median)} ms`],
  ['Verifier.sol gas', String(result.solidityVerifyGas)],
  ['Verifier.sol in @ethereumjs/evm', `${f(result.solidityVerifyMs.median)} ms (median)`],
  ...Object.entries(sizes).map(([file, bytes]): [string, string] => [
    `size ${file}`,
    `${(bytes / 1024).toFixed(1)} KiB`,
  ]),
  ['size total', `${(totalBytes / 1024 / 1024).toFixed(2)} MiB`],
]
const width = Math.max(...rows.map(([k]) => k.length))
process.stdout.write(`settlement circuit, ${runs} proofs, load average ${loadavg()[0]?.toFixed(2)}\n`)
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`)
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`)
