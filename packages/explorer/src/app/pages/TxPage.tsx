import { useEffect, useState } from 'preact/hooks'
import { type DeployedAbi, deployedAbiOf } from '../lib/deployedAbis.js'
import { formatEther, hexToNum, vmOfCode } from '../lib/format.js'
import { decodeLog } from '../lib/logDecoder.js'
import { rpc } from '../lib/rpc.js'
import type { Network, RPCReceipt, RPCTransaction } from '../lib/types.js'

type Loaded = {
  tx: RPCTransaction | null
  receipt: RPCReceipt | null
  vms: Record<string, string>
  abis: Record<string, DeployedAbi>
}

/**
 * One transaction: its fields, receipt, the VM of every contract it touched and its logs, decoded with the
 * contract's recorded ABI (`mesh deploy`) or a known one.
 */
export function TxPage(props: { network: Network; hash: string }) {
  const { network, hash } = props
  const [data, setData] = useState<Loaded>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    const url = network.rpcUrl
    ;(async () => {
      const [tx, receipt] = await Promise.all([
        rpc<RPCTransaction | null>(url, 'eth_getTransactionByHash', [hash]),
        rpc<RPCReceipt | null>(url, 'eth_getTransactionReceipt', [hash]),
      ])
      const addresses = new Set<string>()
      if (tx?.to) addresses.add(tx.to.toLowerCase())
      if (receipt?.contractAddress) addresses.add(receipt.contractAddress.toLowerCase())
      for (const l of receipt?.logs ?? []) addresses.add(l.address.toLowerCase())
      const vms: Record<string, string> = {}
      const abis: Record<string, DeployedAbi> = {}
      await Promise.all(
        [...addresses].map(async (a) => {
          vms[a] = vmOfCode(await rpc<string>(url, 'eth_getCode', [a, 'latest']).catch(() => undefined))
          const deployed = vms[a] !== 'none' ? await deployedAbiOf(network, a) : null
          if (deployed) abis[a] = deployed
        }),
      )
      setData({ tx, receipt, vms, abis })
    })().catch((e: Error) => setError(e.message))
  }, [network.name, hash])
  if (error) return <p class="error">{error}</p>
  if (!data) return <p>Loading transaction…</p>
  const { tx, receipt, vms, abis } = data
  if (!tx)
    return (
      <p class="error">
        {network.name} has no transaction {hash}.
      </p>
    )
  const vm = (a: string | null | undefined) => {
    const v = a ? vms[a.toLowerCase()] : undefined
    return v && v !== 'none' ? <span class={`badge ${v}`}>{v.toUpperCase()}</span> : null
  }
  return (
    <>
      <h1>{network.name} transaction</h1>
      <dl data-testid="tx">
        <dt>hash</dt>
        <dd class="mono">{tx.hash}</dd>
        <dt>status</dt>
        <dd>{receipt ? (receipt.status === '0x1' ? '✓ success' : '✗ reverted') : 'pending'}</dd>
        <dt>block</dt>
        <dd>
          {tx.blockNumber ? (
            <a href={`#/network/${network.name}/block/${hexToNum(tx.blockNumber)}`}>
              {hexToNum(tx.blockNumber)}
            </a>
          ) : (
            'pending'
          )}
        </dd>
        <dt>from</dt>
        <dd class="mono">{tx.from}</dd>
        <dt>to</dt>
        <dd class="mono">
          {tx.to || receipt?.contractAddress ? (
            <a href={`#/network/${network.name}/address/${tx.to ?? receipt?.contractAddress}`}>
              {tx.to ?? `contract creation: ${receipt?.contractAddress}`}
            </a>
          ) : (
            'contract creation'
          )}{' '}
          {vm(tx.to ?? receipt?.contractAddress)}
        </dd>
        <dt>value</dt>
        <dd>{formatEther(tx.value)}</dd>
        <dt>nonce</dt>
        <dd>{hexToNum(tx.nonce)}</dd>
        <dt>gas used</dt>
        <dd>{receipt ? hexToNum(receipt.gasUsed).toLocaleString('en-US') : '-'}</dd>
        <dt>input</dt>
        <dd class="mono wrap">
          {tx.input.length > 202
            ? `${tx.input.slice(0, 202)}… (${(tx.input.length - 2) / 2} bytes)`
            : tx.input}
        </dd>
      </dl>
      <h2>Logs ({receipt?.logs.length ?? 0})</h2>
      {(receipt?.logs ?? []).map((l, i) => {
        const d = decodeLog(l, abis[l.address.toLowerCase()])
        return (
          <div class="log" key={i} data-testid="log">
            <div class="mono">
              <a href={`#/network/${network.name}/address/${l.address}`}>{l.address}</a> {vm(l.address)}
            </div>
            {d ? (
              <>
                <div>
                  <b>{d.event}</b> <span class="muted">({d.abi})</span>
                </div>
                <table>
                  <tbody>
                    {d.args.map(([k, v]) => (
                      <tr key={k}>
                        <td>{k}</td>
                        <td class="mono wrap">{v}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <div class="mono wrap">
                {l.topics.map((t) => (
                  <div key={t}>{t}</div>
                ))}
                <div>{l.data}</div>
              </div>
            )}
          </div>
        )
      })}
    </>
  )
}
