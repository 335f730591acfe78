import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { NetworkView } from '../lib/meshWatcher.js'
import { tpsSeries } from '../lib/tps.js'

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2']

/** Live TPS of every network over the last five minutes (uPlot, 5 s buckets). */
export function TpsChart(props: { views: NetworkView[] }) {
  const el = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const names = props.views.map((v) => v.network.name).join(',')
  const data = (): uPlot.AlignedData => {
    const now = Math.max(Math.floor(Date.now() / 1000), ...props.views.map((v) => (v.headTime ?? 0) + 1))
    const series = props.views.map((v) => tpsSeries(v.samples, { now, windowSec: 300, bucketSec: 5 }))
    return [series[0]?.x ?? [], ...series.map((s) => s.y)]
  }
  useEffect(() => {
    if (!el.current) return
    plot.current = new uPlot(
      {
        width: Math.max(300, el.current.clientWidth),
        height: 220,
        scales: { x: { time: true } },
        axes: [{}, { label: 'tx/s' }],
        series: [
          {},
          ...props.views.map((v, i) => ({
            label: v.network.name,
            stroke: COLORS[i % COLORS.length],
            width: 2,
          })),
        ],
      },
      data(),
      el.current,
    )
    return () => plot.current?.destroy()
  }, [names])
  useEffect(() => {
    plot.current?.setData(data())
  })
  return <div class="chart" ref={el} data-testid="tps-chart" />
}
