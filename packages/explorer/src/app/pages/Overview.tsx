import { Topology } from '../components/Topology.js'
import { formatDuration } from '../lib/format.js'
import { lazyComponent } from '../lib/lazyComponent.js'
import type { MeshWatcher } from '../lib/meshWatcher.js'
import { meanBlockTimeMs } from '../lib/tps.js'
import { useWatcher } from '../lib/useMesh.js'

// the chart (uPlot) is a chunk of its own: the network table paints without waiting for it
const TpsChart = lazyComponent(
  () => import('../components/TpsChart.js').then((m) => m.TpsChart),
  () => <div class="chart" data-testid="tps-chart-loading" />,
)

/** Every network at a glance (chain id, VMs, height, block time, peers), live TPS and the topology. */
export function Overview(props: { watcher: MeshWatcher }) {
  useWatcher(props.watcher)
  const { views, flows } = props.watcher
  return (
    <>
      <h1>Mesh overview</h1>
      <table data-testid="networks">
        <thead>
          <tr>
            <th>network</th>
            <th>chain id</th>
            <th>VMs</th>
            <th>height</th>
            <th>block time</th>
            <th>peers</th>
            <th>txs in pool</th>
            <th>RPC</th>
          </tr>
        </thead>
        <tbody>
          {views.map((v) => {
            const bt = meanBlockTimeMs(v.samples.slice(-30))
            return (
              <tr key={v.network.name} data-network={v.network.name}>
                <td>
                  <a href={`#/network/${v.network.name}`}>{v.network.name}</a>
                  {v.network.role && <span class="muted"> ({v.network.role})</span>}
                </td>
                <td>{v.network.chainId}</td>
                <td>{v.network.vms.map((m) => m.toUpperCase()).join(' + ')}</td>
                <td class="height" data-testid={`height-${v.network.name}`}>
                  {v.height ?? '…'}
                </td>
                <td>{bt === undefined ? '-' : formatDuration(bt)}</td>
                <td>{v.peers ?? '-'}</td>
                <td>{v.mempool ?? '-'}</td>
                <td class="mono">{v.error ? <span class="error">{v.error}</span> : v.network.rpcUrl}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <h2>Transactions per second (last 5 minutes)</h2>
      <TpsChart views={views} />
      <h2>Topology</h2>
      <p class="muted">
        SPN → main net: settlements accepted; SPN → SPN: messages sent. A link lights up as it carries one.
      </p>
      <Topology views={views} flows={flows} />
    </>
  )
}
