/**
 * Attestation benchmark: simulated quotes (v5, the default, and v4) generated
 * and verified per second, and the decode and verify time of the real Intel
 * samples, v3/v4 and v5 (chain + signatures, and with dcap-qvl collateral
 * checks). `--json` prints one JSON object as the last line.
 *
 *   npm run bench -w packages/tee-attest [-- --json]
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AttestationPolicy,
  type Collateral,
  createDcapQvlBackend,
  createSimulatedEnclave,
  decodeQuote,
  quoteMeasurement,
  reportDataForSettlement,
  stripQuotePadding,
  verifyQuote,
} from '../src/index.js'

const json = process.argv.includes('--json')

import { DCAP_DIR, loadV5Sample, SAMPLE_TIME, V5_SAMPLE_TIME } from '../test/helpers.js'

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second and median ms per op. */
function measure(fn: (i: number) => void, ms = 1500): { opsPerSec: number; medianMs: number; runs: number } {
  for (let i = 0; i < 5; i++) fn(i) // warm up
  const times: number[] = []
  const start = performance.now()
  let i = 0
  while (performance.now() - start < ms) {
    const t = performance.now()
    fn(i++)
    times.push(performance.now() - t)
  }
  const total = performance.now() - start
  times.sort((a, b) => a - b)
  return {
    opsPerSec: (times.length / total) * 1000,
    medianMs: times[Math.floor(times.length / 2)]!,
    runs: times.length,
  }
}

const rows: { workload: string; opsPerSec: number; medianMs: number; runs: number; note: string }[] = []

const dir = await mkdtemp(join(tmpdir(), 'tee-bench-'))
try {
  const measurement = new Uint8Array(32).fill(0x42)
  const t0 = performance.now()
  const enclave = await createSimulatedEnclave({ dataDir: dir, measurement })
  const createMs = performance.now() - t0
  rows.push({
    workload: 'simulated enclave first start',
    opsPerSec: 1000 / createMs,
    medianMs: createMs,
    runs: 1,
    note: 'keys + 3 certificates',
  })

  const reportDatas = Array.from({ length: 64 }, (_, i) =>
    reportDataForSettlement(`0x${i.toString(16).padStart(2, '0')}`),
  )
  for (const quoteVersion of [5, 4] as const) {
    const e =
      quoteVersion === enclave.quoteVersion
        ? enclave
        : await createSimulatedEnclave({ dataDir: dir, measurement, quoteVersion })
    const gen = measure((i) => e.quote(reportDatas[i % 64]!))
    rows.push({
      workload: `simulated v${quoteVersion} quote generate`,
      ...gen,
      note: 'SGX body, 1 ECDSA sign',
    })
    const quotes = reportDatas.map((r) => e.quote(r))
    const policy = (i: number): AttestationPolicy => ({
      allowSimulated: true,
      simulatedRoots: [e.rootCertificateDer],
      allowedMeasurements: [measurement],
      expectedReportData: reportDatas[i % 64]!,
    })
    const ver = measure((i) => {
      const r = verifyQuote(quotes[i % 64]!, policy(i))
      if (r.status !== 'ok-simulated') throw new Error(`unexpected ${r.status}`)
    })
    rows.push({
      workload: `simulated v${quoteVersion} quote verify`,
      ...ver,
      note: 'ok-simulated: chain + 4 P-256 verifies',
    })
    const parse = measure((i) => decodeQuote(quotes[i % 64]!), 500)
    rows.push({ workload: `simulated v${quoteVersion} decode`, ...parse, note: `${quotes[0]!.length} bytes` })
  }
  for (const name of ['sgx', 'tdx'] as const) {
    const quote = stripQuotePadding(new Uint8Array(readFileSync(join(DCAP_DIR, `${name}_quote`))))
    const collateral = JSON.parse(
      readFileSync(join(DCAP_DIR, `${name}_quote_collateral.json`), 'utf8'),
    ) as Collateral
    const q = decodeQuote(quote)
    const base: AttestationPolicy = {
      allowedMeasurements: [quoteMeasurement(q)],
      expectedReportData: q.body.report.reportData,
      now: SAMPLE_TIME,
    }
    const chainOnly = measure(() => {
      if (verifyQuote(quote, base).status !== 'collateral-missing') throw new Error('chain failed')
    }, 1000)
    rows.push({
      workload: `real ${name} verify (chain + signatures)`,
      ...chainOnly,
      note: 'Intel root, no collateral',
    })
    const withCollateral = { ...base, collateral: createDcapQvlBackend({ collateral }) }
    const full = measure(() => {
      if (verifyQuote(quote, withCollateral).status !== 'ok') throw new Error('verify failed')
    }, 1500)
    rows.push({
      workload: `real ${name} verify (full, dcap-qvl)`,
      ...full,
      note: 'TCB info, QE identity, CRLs',
    })
    const parse = measure(() => decodeQuote(quote), 500)
    rows.push({ workload: `real ${name} decode`, ...parse, note: `${quote.length} bytes` })
  }

  // Real v5 (TDX 1.5) quote: its collateral step ends in collateral-rejected (TCB below every level of its
  // collateral; see test/fixtures/dcap/README.md), after the full dcap-qvl evaluation.
  {
    const { quote, collateral } = loadV5Sample('tdx_v5')
    const q = decodeQuote(quote)
    const base: AttestationPolicy = {
      allowedMeasurements: [quoteMeasurement(q)],
      expectedReportData: q.body.report.reportData,
      now: V5_SAMPLE_TIME,
    }
    const parse = measure(() => decodeQuote(quote), 500)
    rows.push({ workload: 'real tdx v5 decode', ...parse, note: `${quote.length} bytes, TD 1.5 body` })
    const chainOnly = measure(() => {
      if (verifyQuote(quote, base).status !== 'collateral-missing') throw new Error('chain failed')
    }, 1000)
    rows.push({
      workload: 'real tdx v5 verify (chain + signatures)',
      ...chainOnly,
      note: 'Intel root, no collateral',
    })
    const withCollateral = { ...base, collateral: createDcapQvlBackend({ collateral }) }
    const full = measure(() => {
      if (verifyQuote(quote, withCollateral).status !== 'collateral-rejected')
        throw new Error('verify changed')
    }, 1500)
    rows.push({
      workload: 'real tdx v5 verify (full, dcap-qvl)',
      ...full,
      note: 'collateral-rejected: no matching TCB level',
    })
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}

const fmt = (n: number, d = 1) => n.toFixed(d)
const header = ['workload', 'ops/s', 'median ms', 'runs', 'note']
const table = rows.map((r) => [r.workload, fmt(r.opsPerSec), fmt(r.medianMs, 3), String(r.runs), r.note])
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)))
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
console.log(`tee-attest benchmark (node ${process.version}; machine shared, timings noisy)`)
console.log(line(header))
console.log(line(widths.map((w) => '-'.repeat(w))))
for (const r of table) console.log(line(r))
if (json) console.log(JSON.stringify({ benchmark: 'tee-attest', node: process.version, rows }))
