import { useEffect, useState } from 'preact/hooks'
import { ROWS_SHOWN, ShowOlder } from '../components/ShowOlder.js'
import { formatDuration, hexToNum, shortHash } from '../lib/format.js'
import type { MeshWatcher } from '../lib/meshWatcher.js'
import { rpc } from '../lib/rpc.js'
import type { RPCBlock, RPCReceipt } from '../lib/types.js'
import { useWatcher } from '../lib/useMesh.js'

/** When a settlement was cut (its last SPN block's time) and accepted (its main-net block), cached by key. */
type Timing = { cutAt?: number; mainnetBlock?: number; acceptedAt?: number }
const timings = new Map<string, Timing>()

async function timingOf(
  spnUrl: string,
  mainnetUrl: string | undefined,
  toBlock: string,
  txHash: string | null,
) {
  const t: Timing = {}
  const block = await rpc<RPCBlock | null>(spnUrl, 'eth_getBlockByNumber', [toBlock, false])
  if (block) t.cutAt = hexToNum(block.timestamp)
  if (mainnetUrl && txHash) {
    const receipt = await rpc<RPCReceipt | null>(mainnetUrl, 'eth_getTransactionReceipt', [txHash])
    if (receipt) {
      t.mainnetBlock = hexToNum(receipt.blockNumber)
      const mb = await rpc<RPCBlock | null>(mainnetUrl, 'eth_getBlockByNumber', [receipt.blockNumber, false])
      if (mb) t.acceptedAt = hexToNum(mb.timestamp)
    }
  }
  return t
}

/**
 * Per SPN, every settlement it built: block range, exit-tree leaves, proof and quote (a settlement is recorded
 * once both are built), status, the main-net block that accepted it and the time from cut to acceptance.
 */
export function SettlementsPage(props: { watcher: MeshWatcher }) {
  useWatcher(props.watcher)
  const [, setVersion] = useState(0)
  const [limit, setLimit] = useState(ROWS_SHOWN)
  const mainnet = props.watcher.views.find((v) => v.network.kind === 'mainnet')
  const spns = props.watcher.views.filter((v) => v.network.kind === 'spn')
  useEffect(() => {
    for (const v of spns)
      for (const s of v.settlements.slice(-limit)) {
        const key = `${v.network.name}:${s.batch}:${s.status}`
        if (timings.has(key)) continue
        timings.set(key, {})
        timingOf(
          v.network.rpcUrl,
          mainnet?.network.rpcUrl,
          s.toBlock,
          s.status === 'accepted' ? s.transactionHash : null,
        )
          .then((t) => {
            timings.set(key, t)
            setVersion((n) => n + 1)
          })
          .catch(() => timings.delete(key))
      }
  })
  return (
    <>
      <h1>Settlements</h1>
      {spns.map((v) => (
        <section key={v.network.name} data-testid={`settlements-${v.network.name}`}>
          <h2>
            {v.network.name} → {mainnet?.network.name ?? 'main net'}{' '}
            <span class="muted">
              {v.settlements.filter((s) => s.status === 'accepted').length} accepted of {v.settlements.length}
            </span>
          </h2>
          <table>
            <thead>
              <tr>
                <th>#</th>
                <th>SPN blocks</th>
                <th>messages</th>
                <th>proof</th>
                <th>quote</th>
                <th>status</th>
                <th>main-net block</th>
                <th>cut → accepted</th>
                <th>header hash</th>
              </tr>
            </thead>
            <tbody>
              {v.settlements
                .slice(-limit)
                .reverse()
                .map((s) => {
                  const t = timings.get(`${v.network.name}:${s.batch}:${s.status}`) ?? {}
                  const leaves = hexToNum(s.leafCount)
                  const start = hexToNum(s.startIndex)
                  return (
                    <tr key={s.batch} class={s.status}>
                      <td>{s.batch}</td>
                      <td>
                        {hexToNum(s.fromBlock)} – {hexToNum(s.toBlock)}
                      </td>
                      <td>{leaves === 0 ? '0' : `${leaves} (${start}–${start + leaves - 1})`}</td>
                      <td>{leaves === 0 ? '– (no leaves: none needed)' : '✓ Groth16'}</td>
                      <td>✓ TEE</td>
                      <td>
                        {s.status === 'accepted' ? '✓ accepted' : s.transactionHash ? 'submitted' : 'built'}
                      </td>
                      <td>{t.mainnetBlock ?? '-'}</td>
                      <td>
                        {t.cutAt !== undefined && t.acceptedAt !== undefined
                          ? formatDuration((t.acceptedAt - t.cutAt) * 1000)
                          : '-'}
                      </td>
                      <td class="mono">{shortHash(s.headerHash)}</td>
                    </tr>
                  )
                })}
            </tbody>
          </table>
          <ShowOlder
            shown={limit}
            total={v.settlements.length}
            onMore={() => setLimit((n) => n + ROWS_SHOWN)}
          />
          {v.settlements.length === 0 && <p class="muted">No settlement yet.</p>}
        </section>
      ))}
    </>
  )
}
