/**
 * Where a `--cpu-prof` profile's time goes: self time by area (our packages, dependencies, Node
 * internals, GC, idle) and the top functions.
 *
 *   node --import tsx packages/spn/bench/cpuProfileSummary.ts <file.cpuprofile> [--top 15]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

type Node = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '15' } },
})

/** An area name for a script URL: `spn`, `chain` … for our packages, the package name for a dependency. */
export function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)'
  const ours = /packages\/([^/]+)\/(?:dist|src)\//.exec(url)
  if (ours) return `@rollup-mesh/${ours[1]}`
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (dep) return dep[1] as string
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`
  return url
}

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  for (const [i, id] of p.samples.entries()) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const areas = new Map<string, number>()
  const fns = new Map<string, number>()
  for (const [id, us] of self) {
    const n = byId.get(id) as Node
    const area = areaOf(n.callFrame.url, n.callFrame.functionName)
    areas.set(area, (areas.get(area) ?? 0) + us)
    const key = `${n.callFrame.functionName || '(anonymous)'} ${areaOf(n.callFrame.url, '')}`
    fns.set(key, (fns.get(key) ?? 0) + us)
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(values.top))
      .map(
        ([k, us]) =>
          `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(1).padStart(7)} s  ${k}`,
      )
  process.stdout.write(
    [
      `${file}: ${(total / 1e6).toFixed(1)} s sampled over ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s`,
      'by area (self time):',
      ...top(areas),
      'top functions (self time):',
      ...top(fns),
      '',
    ].join('\n'),
  )
}
