import { useState } from 'preact/hooks'
import { BundleExport } from '../components/BundleExport.js'
import { BundleVerify } from '../components/BundleVerify.js'
import { ROWS_SHOWN, ShowOlder } from '../components/ShowOlder.js'
import { formatEther, shortHash } from '../lib/format.js'
import type { MeshWatcher } from '../lib/meshWatcher.js'
import { messageRows, spnIdOfName } from '../lib/messages.js'
import { useWatcher } from '../lib/useMesh.js'

const STAGES = ['sent', 'settled', 'delivered'] as const

/**
 * Every cross-network message with its stages: sent → settled → delivered, or failed with its reason; a
 * settled message's proof bundle exported as a download; any bundle verified in the page.
 */
export function MessagesPage(props: { watcher: MeshWatcher }) {
  useWatcher(props.watcher)
  const [limit, setLimit] = useState(ROWS_SHOWN)
  const spns = props.watcher.views.filter((v) => v.network.kind === 'spn')
  const nameOf = new Map<number, string>()
  const sent = new Map()
  const settlements = new Map()
  const inboxes = new Map()
  for (const v of spns) {
    const id = spnIdOfName(v.network.name)
    if (id === undefined) continue
    nameOf.set(id, v.network.name)
    sent.set(id, v.sent)
    settlements.set(id, v.settlements)
    inboxes.set(id, v.inbox)
  }
  const rows = messageRows({ sent, settlements, inboxes })
  const name = (id: number) => nameOf.get(id) ?? `spn#${id}`
  const mainnet = props.watcher.views.find((v) => v.network.kind === 'mainnet')?.network
  const rpcOf = (id: number) => spns.find((v) => v.network.name === nameOf.get(id))?.network.rpcUrl
  return (
    <>
      <h1>Cross-network messages</h1>
      <table data-testid="messages">
        <thead>
          <tr>
            <th>message</th>
            <th>from → to</th>
            <th>value</th>
            <th>recipient</th>
            <th>stages</th>
            <th>sent in</th>
            <th>settlement</th>
            <th>delivery</th>
            <th>proof bundle</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, limit).map((r) => {
            const reached = r.stage === 'failed' ? 2 : STAGES.indexOf(r.stage) + 1
            return (
              <tr key={r.key} data-message={r.key} data-stage={r.stage}>
                <td>
                  {name(r.srcSpn)} #{r.position}
                </td>
                <td>
                  {name(r.srcSpn)} → {name(r.dstSpn)}
                </td>
                <td>{formatEther(r.value)}</td>
                <td class="mono">{shortHash(r.to, 4)}</td>
                <td class="stages">
                  {STAGES.map((s, i) => (
                    <span key={s} class={i < reached ? 'done' : 'todo'}>
                      {i > 0 && ' → '}
                      {s}
                    </span>
                  ))}
                  {r.stage === 'failed' && <span class="failed"> → failed: {r.error}</span>}
                  {r.queued && <span class="muted"> (queued)</span>}
                </td>
                <td>
                  <a href={`#/network/${name(r.srcSpn)}/tx/${r.sentTx}`}>block {r.sentBlock}</a>
                </td>
                <td>{r.settlement !== undefined ? `#${r.settlement}` : '-'}</td>
                <td>
                  {r.deliveryTx ? (
                    <a href={`#/network/${name(r.dstSpn)}/tx/${r.deliveryTx}`}>
                      block {r.deliveryBlock ?? '?'}
                    </a>
                  ) : (
                    '-'
                  )}
                </td>
                <td>
                  {r.settlement !== undefined && mainnet && rpcOf(r.srcSpn) ? (
                    <BundleExport
                      spnRpcUrl={rpcOf(r.srcSpn)!}
                      mainnetRpcUrl={mainnet.rpcUrl}
                      srcSpn={r.srcSpn}
                      position={r.position}
                    />
                  ) : (
                    '-'
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <ShowOlder shown={limit} total={rows.length} onMore={() => setLimit((n) => n + ROWS_SHOWN)} />
      {rows.length === 0 && (
        <p class="muted">No message yet. Send one with `mesh bridge --from spn1 --to spn2 --value 1ether`.</p>
      )}
      <BundleVerify />
    </>
  )
}
