// `npm run bench:consensus`: offline commit-certificate verification and simulated protocol throughput.
// Prints a table; `--json` prints one JSON object on the last line.
import {
  createCommitCertificate,
  decodeCommitCertificate,
  encodeCommitCertificate,
  verifyCommitCertificate,
} from '../src/certificate.js'
import { runScenario } from '../src/sim/runner.js'
import type { Scenario } from '../src/sim/scenario.js'
import { blockHash, CHAIN_ID, precommits, testValidators } from '../test/helpers.js'

const json = process.argv.includes('--json')

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const certRows: {
  validators: number
  signers: number
  bytes: number
  minMs: number
  medianMs: number
  p95Ms: number
}[] = []
for (const n of [1, 4, 7, 16]) {
  const { keys, set } = testValidators(Array(n).fill(1))
  const signers = [...Array(n).keys()].slice(0, Math.floor((2 * n) / 3) + 1)
  const value = blockHash(`bench ${n}`)
  const cert = createCommitCertificate({
    chainId: CHAIN_ID,
    set,
    precommits: precommits(keys, set, signers, 42, 0, value),
  })
  const bytes = encodeCommitCertificate(cert)
  const times: number[] = []
  for (let i = 0; i < 220; i++) {
    const t = performance.now()
    verifyCommitCertificate(decodeCommitCertificate(bytes), set, {
      chainId: CHAIN_ID,
      height: 42,
      blockHash: value,
    })
    if (i >= 20) times.push(performance.now() - t)
  }
  const sorted = [...times].sort((a, b) => a - b)
  certRows.push({
    validators: n,
    signers: signers.length,
    bytes: bytes.length,
    minMs: sorted[0]!,
    medianMs: median(times),
    p95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
  })
}

// Throughput of the state machine itself: a quiet network, no faults, 4 and 16 validators.
const simRows: {
  validators: number
  heights: number
  wallMs: number
  heightsPerSec: number
  stepsPerSec: number
}[] = []
for (const n of [4, 16]) {
  const heights = n === 4 ? 300 : 60
  const scenario: Scenario = {
    seed: 1,
    powers: Array(n).fill(1),
    byzantine: new Map(),
    heights,
    minDelayMs: 1,
    maxDelayMs: 5,
    dropRate: 0,
    duplicateRate: 0,
    reorderRate: 0,
    partitions: [],
    healAt: 0,
  }
  const t = performance.now()
  const run = runScenario(scenario)
  const wallMs = performance.now() - t
  simRows.push({
    validators: n,
    heights,
    wallMs,
    heightsPerSec: (heights * 1000) / wallMs,
    stepsPerSec: (run.stats.steps * 1000) / wallMs,
  })
}

if (!json) {
  console.log('Commit certificate verification (decode + verify, offline; target <= 5 ms)')
  console.log('validators  signers  bytes  min ms  median ms  p95 ms')
  for (const r of certRows)
    console.log(
      `${String(r.validators).padStart(10)}  ${String(r.signers).padStart(7)}  ${String(r.bytes).padStart(5)}  ${r.minMs.toFixed(3).padStart(6)}  ${r.medianMs.toFixed(3).padStart(9)}  ${r.p95Ms.toFixed(3).padStart(6)}`,
    )
  console.log('\nSimulated protocol throughput (state machine + simulator, no crypto, one thread)')
  console.log('validators  heights  wall ms  heights/s  steps/s')
  for (const r of simRows)
    console.log(
      `${String(r.validators).padStart(10)}  ${String(r.heights).padStart(7)}  ${r.wallMs.toFixed(0).padStart(7)}  ${r.heightsPerSec.toFixed(0).padStart(9)}  ${r.stepsPerSec.toFixed(0).padStart(7)}`,
    )
}
console.log(JSON.stringify({ certificateVerification: certRows, simulation: simRows }))
