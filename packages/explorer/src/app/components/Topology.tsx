import type { FlowEvent, NetworkView } from '../lib/meshWatcher.js'

/** How long a link stays lit after it carried something (ms). */
const LIT_MS = 4000

/**
 * The mesh as a graph: the main net on top, the SPNs below; SPN → main-net links light up when a settlement
 * is accepted, SPN → SPN links when a message is sent, with the last thing each carried.
 */
export function Topology(props: { views: NetworkView[]; flows: FlowEvent[] }) {
  const main = props.views.find((v) => v.network.kind === 'mainnet')
  const spns = props.views.filter((v) => v.network.kind === 'spn')
  const width = Math.max(480, spns.length * 180)
  const pos = new Map<string, { x: number; y: number }>()
  if (main) pos.set(main.network.name, { x: width / 2, y: 40 })
  for (const [i, v] of spns.entries())
    pos.set(v.network.name, { x: ((i + 0.5) * width) / spns.length, y: 190 })
  const now = Date.now()
  const last = new Map<string, FlowEvent>()
  for (const f of props.flows) last.set(`${f.from}>${f.to}`, f)
  const links: { from: string; to: string; kind: FlowEvent['kind'] }[] = [
    ...(main
      ? spns.map((s) => ({ from: s.network.name, to: main.network.name, kind: 'settlement' as const }))
      : []),
    ...spns.flatMap((a, i) =>
      spns.slice(i + 1).map((b) => ({ from: a.network.name, to: b.network.name, kind: 'message' as const })),
    ),
  ]
  return (
    <svg class="topology" viewBox={`0 0 ${width} 240`} data-testid="topology">
      <title>Mesh topology: settlements and messages between networks</title>
      {links.map((l) => {
        const a = pos.get(l.from)!
        const b = pos.get(l.to)!
        const flow =
          last.get(`${l.from}>${l.to}`) ?? (l.kind === 'message' ? last.get(`${l.to}>${l.from}`) : undefined)
        const lit = flow !== undefined && now - flow.at < LIT_MS
        const bend = l.kind === 'message' ? 60 : 0
        const d = `M ${a.x} ${a.y} Q ${(a.x + b.x) / 2} ${(a.y + b.y) / 2 + bend} ${b.x} ${b.y}`
        return (
          <g key={`${l.from}-${l.to}`} class={`link ${l.kind}${lit ? ' lit' : ''}`}>
            <path d={d} />
            {flow && (
              <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 + bend / 2 - 6} text-anchor="middle">
                {flow.kind === 'settlement'
                  ? `settlement ${flow.label}`
                  : `${flow.from} → ${flow.to}: ${flow.label}`}
              </text>
            )}
          </g>
        )
      })}
      {props.views.map((v) => {
        const p = pos.get(v.network.name)
        if (!p) return null
        return (
          <g key={v.network.name} class={`node ${v.network.kind}`}>
            <circle cx={p.x} cy={p.y} r={28} />
            <text x={p.x} y={p.y + 4} text-anchor="middle">
              {v.network.name}
            </text>
            <text x={p.x} y={p.y + 44} text-anchor="middle" class="sub">
              #{v.height ?? '?'}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
