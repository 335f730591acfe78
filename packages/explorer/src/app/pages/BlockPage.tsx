import { useEffect, useState } from 'preact/hooks'
import { formatClock, formatEther, hexToNum, shortHash } from '../lib/format.js'
import { rpc } from '../lib/rpc.js'
import type { Network, RPCBlock, RPCTransaction } from '../lib/types.js'

/** One block: its header fields and its transactions. */
export function BlockPage(props: { network: Network; block: string }) {
  const { network, block } = props
  const [data, setData] = useState<RPCBlock | null | undefined>(undefined)
  const [error, setError] = useState<string>()
  useEffect(() => {
    setData(undefined)
    const byHash = block.startsWith('0x') && block.length === 66
    rpc<RPCBlock | null>(network.rpcUrl, byHash ? 'eth_getBlockByHash' : 'eth_getBlockByNumber', [
      byHash ? block : `0x${Number(block).toString(16)}`,
      true,
    ])
      .then(setData)
      .catch((e: Error) => setError(e.message))
  }, [network.name, block])
  if (error) return <p class="error">{error}</p>
  if (data === undefined) return <p>Loading block {block}…</p>
  if (data === null)
    return (
      <p class="error">
        {network.name} has no block {block} (yet).
      </p>
    )
  const n = hexToNum(data.number)
  const txs = data.transactions.filter((t): t is RPCTransaction => typeof t === 'object')
  return (
    <>
      <h1>
        {network.name} block {n}
      </h1>
      <p>
        {n > 0 && <a href={`#/network/${network.name}/block/${n - 1}`}>← {n - 1}</a>}{' '}
        <a href={`#/network/${network.name}/block/${n + 1}`}>{n + 1} →</a>
      </p>
      <dl>
        <dt>hash</dt>
        <dd class="mono">{data.hash}</dd>
        <dt>parent</dt>
        <dd class="mono">{data.parentHash}</dd>
        <dt>time (UTC)</dt>
        <dd>{formatClock(hexToNum(data.timestamp))}</dd>
        <dt>gas used / limit</dt>
        <dd>
          {hexToNum(data.gasUsed).toLocaleString('en-US')} / {hexToNum(data.gasLimit).toLocaleString('en-US')}
        </dd>
        {data.stateRoot && (
          <>
            <dt>state root</dt>
            <dd class="mono">{data.stateRoot}</dd>
          </>
        )}
      </dl>
      <h2>Transactions ({txs.length})</h2>
      <table data-testid="block-txs">
        <thead>
          <tr>
            <th>hash</th>
            <th>from</th>
            <th>to</th>
            <th>value</th>
          </tr>
        </thead>
        <tbody>
          {txs.map((t) => (
            <tr key={t.hash}>
              <td class="mono">
                <a href={`#/network/${network.name}/tx/${t.hash}`}>{shortHash(t.hash, 10)}</a>
              </td>
              <td class="mono">{shortHash(t.from)}</td>
              <td class="mono">{t.to ? shortHash(t.to) : 'contract creation'}</td>
              <td>{formatEther(t.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
