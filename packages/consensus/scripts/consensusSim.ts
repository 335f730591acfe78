// `npm run test:consensus-sim`: the full deterministic simulation of the consensus core.
//   --scenarios N   how many seeds (default 10,000)     --from S       first seed (default 0)
//   --inject ignore-lock   run with the test-only bug: exits 0 only if the checker catches it
//   --json          one JSON object on the last line
import { runSimBatch } from '../src/sim/batch.js'

const args = process.argv.slice(2)
const flag = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const count = Number(flag('--scenarios') ?? 10_000)
const from = Number(flag('--from') ?? 0)
const inject = flag('--inject')
if (inject !== undefined && inject !== 'ignore-lock') {
  process.stderr.write(`Unknown --inject "${inject}"; the one test-only bug is "ignore-lock".\n`)
  process.exit(2)
}
const json = args.includes('--json')
const chunk = 500
const totals = runSimBatch({ from, count: 0 })
for (let start = from; start < from + count; start += chunk) {
  const s = runSimBatch({
    from: start,
    count: Math.min(chunk, from + count - start),
    ...(inject ? { inject: { ignoreLock: true }, stopAtFirst: true } : {}),
  })
  if (s.firstViolationAfter > 0 && totals.firstViolationAfter < 0) {
    totals.firstViolationAfter = totals.scenarios + s.firstViolationAfter
    totals.firstViolationMs = totals.wallMs + s.firstViolationMs
  }
  for (const k of [
    'scenarios',
    'withByzantine',
    'withPartitions',
    'messages',
    'dropped',
    'duplicated',
    'decisions',
    'evidence',
    'wallMs',
  ] as const)
    totals[k] += s[k]
  totals.maxDecidedRound = Math.max(totals.maxDecidedRound, s.maxDecidedRound)
  totals.maxDecideAfterHealMs = Math.max(totals.maxDecideAfterHealMs, s.maxDecideAfterHealMs)
  totals.violations.push(...s.violations)
  if (!json) process.stderr.write(`\r${totals.scenarios}/${count} scenarios`)
  if (inject && totals.violations.length > 0) break
}
if (!json) process.stderr.write('\n')
const rows: [string, string | number][] = [
  ['scenarios', totals.scenarios],
  ['with Byzantine twins', totals.withByzantine],
  ['with partitions', totals.withPartitions],
  ['messages (dropped / duplicated)', `${totals.messages} (${totals.dropped} / ${totals.duplicated})`],
  ['decisions (honest validators x heights)', totals.decisions],
  ['equivocation evidence', totals.evidence],
  ['max decided round', totals.maxDecidedRound],
  ['max heal -> all decided (virtual ms)', totals.maxDecideAfterHealMs],
  ['violations', totals.violations.length],
  ['wall time (s)', (totals.wallMs / 1000).toFixed(1)],
]
if (inject)
  rows.push([
    'injected bug caught after (scenarios / s)',
    totals.firstViolationAfter < 0
      ? 'not caught'
      : `${totals.firstViolationAfter} / ${(totals.firstViolationMs / 1000).toFixed(2)}`,
  ])
if (!json) {
  const w = Math.max(...rows.map(([k]) => k.length))
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`)
  for (const { seed, violation } of totals.violations.slice(0, 10))
    console.log(`seed ${seed}: ${violation.property}: ${violation.message}`)
}
if (json)
  console.log(
    JSON.stringify({ ...totals, violations: totals.violations.slice(0, 10), injected: inject ?? null }),
  )
const ok = inject ? totals.violations.length > 0 : totals.violations.length === 0
process.exit(ok ? 0 : 1)
