import { useEffect, useState } from 'preact/hooks'
import { formatClock, hexToNum, shortHash } from '../lib/format.js'
import { KNOWN_CONTRACTS } from '../lib/knownContracts.js'
import { subscribeNewHeads } from '../lib/newHeads.js'
import { rpc } from '../lib/rpc.js'
import type { Network, RPCBlock, RPCTransaction } from '../lib/types.js'

const SHOWN = 20

/** A network's latest blocks and transactions, live over `eth_subscribe newHeads`. */
export function NetworkPage(props: { network: Network }) {
  const { network } = props
  const [blocks, setBlocks] = useState<RPCBlock[]>([])
  const [live, setLive] = useState<'open' | 'closed'>('closed')
  useEffect(() => {
    let stopped = false
    const add = (b: RPCBlock | null) => {
      if (!b || stopped) return
      setBlocks((old) =>
        [b, ...old.filter((o) => o.hash !== b.hash)]
          .sort((x, y) => hexToNum(y.number) - hexToNum(x.number))
          .slice(0, SHOWN),
      )
    }
    // the latest blocks first, then every new head as it comes
    rpc<string>(network.rpcUrl, 'eth_blockNumber')
      .then((head) => {
        const n = hexToNum(head)
        for (let i = Math.max(0, n - SHOWN + 1); i <= n; i++)
          void rpc<RPCBlock | null>(network.rpcUrl, 'eth_getBlockByNumber', [
            `0x${i.toString(16)}`,
            true,
          ]).then(add)
      })
      .catch(() => undefined)
    const close = subscribeNewHeads(
      network.wsUrl,
      (h) => void rpc<RPCBlock | null>(network.rpcUrl, 'eth_getBlockByHash', [h.hash, true]).then(add),
      setLive,
    )
    return () => {
      stopped = true
      close()
    }
  }, [network.name])
  const txs = blocks.flatMap((b) => b.transactions.filter((t): t is RPCTransaction => typeof t === 'object'))
  return (
    <>
      <h1>
        {network.name} <span class="muted">chain {network.chainId}</span>{' '}
        <span class={`badge ${live}`} data-testid="live">
          {live === 'open' ? 'live' : 'reconnecting'}
        </span>
      </h1>
      <p data-testid="system-contracts">
        System contracts:{' '}
        {Object.entries(KNOWN_CONTRACTS[network.kind]).map(([address, c]) => (
          <a key={address} href={`#/network/${network.name}/address/${address}`} class="contract-link">
            {c.name}
          </a>
        ))}
      </p>
      <div class="columns">
        <section>
          <h2>Latest blocks</h2>
          <table data-testid="blocks">
            <thead>
              <tr>
                <th>block</th>
                <th>time (UTC)</th>
                <th>txs</th>
                <th>gas used</th>
              </tr>
            </thead>
            <tbody>
              {blocks.map((b) => (
                <tr key={b.hash}>
                  <td>
                    <a href={`#/network/${network.name}/block/${hexToNum(b.number)}`}>{hexToNum(b.number)}</a>
                  </td>
                  <td>{formatClock(hexToNum(b.timestamp))}</td>
                  <td>{b.transactions.length}</td>
                  <td>{hexToNum(b.gasUsed).toLocaleString('en-US')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h2>Latest transactions</h2>
          <table data-testid="txs">
            <thead>
              <tr>
                <th>hash</th>
                <th>block</th>
                <th>from</th>
                <th>to</th>
              </tr>
            </thead>
            <tbody>
              {txs.slice(0, SHOWN).map((t) => (
                <tr key={t.hash}>
                  <td class="mono">
                    <a href={`#/network/${network.name}/tx/${t.hash}`}>{shortHash(t.hash)}</a>
                  </td>
                  <td>{hexToNum(t.blockNumber)}</td>
                  <td class="mono">{shortHash(t.from, 4)}</td>
                  <td class="mono">{t.to ? shortHash(t.to, 4) : 'create'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {txs.length === 0 && <p class="muted">No transactions in the latest {SHOWN} blocks.</p>}
        </section>
      </div>
    </>
  )
}
