import { useEffect, useState } from 'preact/hooks'
import { formatClock, hexToNum, shortHash } from '../lib/format.js'
import { KNOWN_CONTRACTS } from '../lib/knownContracts.js'
import { newestTxHashes } from '../lib/newestTxHashes.js'
import { subscribeNewHeads } from '../lib/newHeads.js'
import { rpc, rpcBatch } from '../lib/rpc.js'
import type { Network, RPCBlock, RPCTransaction } from '../lib/types.js'

const SHOWN = 20

/** A network's latest blocks and transactions, live over `eth_subscribe newHeads`. */
export function NetworkPage(props: { network: Network }) {
  const { network } = props
  const [blocks, setBlocks] = useState<RPCBlock[]>([])
  const [txs, setTxs] = useState<RPCTransaction[]>([])
  const [live, setLive] = useState<'open' | 'closed'>('closed')
  useEffect(() => {
    let stopped = false
    // Blocks come as headers with transaction hashes only: under thousands of tx/s a full block is
    // megabytes, while the page shows 20 transactions. Those are fetched in one batch, the newest first,
    // at most one batch in flight (heads arriving meanwhile are caught up by the next).
    const known = new Map<string, RPCTransaction>()
    let fetching = false
    let again = false
    let latest: RPCBlock[] = []
    const fillTxs = async () => {
      if (fetching) {
        again = true
        return
      }
      fetching = true
      do {
        again = false
        const wanted = newestTxHashes(latest, SHOWN)
        const missing = wanted.filter((h) => !known.has(h))
        const got = await rpcBatch<RPCTransaction | null>(
          network.rpcUrl,
          missing.map((h) => ['eth_getTransactionByHash', [h]]),
        ).catch(() => [])
        for (const t of got) if (t) known.set(t.hash, t)
        for (const h of [...known.keys()]) if (!wanted.includes(h)) known.delete(h)
        if (!stopped) setTxs(wanted.flatMap((h) => known.get(h) ?? []))
      } while (again && !stopped)
      fetching = false
    }
    const add = (b: RPCBlock | null) => {
      if (!b || stopped) return
      latest = [b, ...latest.filter((o) => o.hash !== b.hash)]
        .sort((x, y) => hexToNum(y.number) - hexToNum(x.number))
        .slice(0, SHOWN)
      setBlocks(latest)
      void fillTxs()
    }
    // the latest blocks first, then every new head as it comes
    rpc<string>(network.rpcUrl, 'eth_blockNumber')
      .then(async (head) => {
        const n = hexToNum(head)
        const numbers = Array.from({ length: Math.min(SHOWN, n + 1) }, (_, i) => n - i)
        const got = await rpcBatch<RPCBlock | null>(
          network.rpcUrl,
          numbers.map((i) => ['eth_getBlockByNumber', [`0x${i.toString(16)}`, false]]),
        )
        for (const b of got) add(b ?? null)
      })
      .catch(() => undefined)
    const close = subscribeNewHeads(
      network.wsUrl,
      (h) => void rpc<RPCBlock | null>(network.rpcUrl, 'eth_getBlockByHash', [h.hash, false]).then(add),
      setLive,
    )
    return () => {
      stopped = true
      close()
    }
  }, [network.name])
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
              {txs.map((t) => (
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
          {blocks.every((b) => b.transactions.length === 0) && (
            <p class="muted">No transactions in the latest {SHOWN} blocks.</p>
          )}
        </section>
      </div>
    </>
  )
}
