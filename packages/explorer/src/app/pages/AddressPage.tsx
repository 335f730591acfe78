import { useEffect, useState } from 'preact/hooks'
import type { Abi } from 'viem'
import { ReadFunction } from '../components/ReadFunction.js'
import { WriteFunction } from '../components/WriteFunction.js'
import { parseUserAbi, readFunctions, writeFunctions } from '../lib/contractReader.js'
import { type DeployedAbi, deployedAbiOf } from '../lib/deployedAbis.js'
import { formatEther, hexToNum, vmOfCode } from '../lib/format.js'
import { KNOWN_CONTRACTS } from '../lib/knownContracts.js'
import { rpc } from '../lib/rpc.js'
import type { Network } from '../lib/types.js'

type Account = { balance: string; nonce: string; code: string }
const storageKey = (network: Network, address: string) => `abi:${network.chainId}:${address.toLowerCase()}`

/**
 * An address: balance, nonce, EVM or WASM code, and for a contract its read and write functions (Etherscan's
 * Read/Write Contract) from a known system-contract ABI, the one `mesh deploy` recorded on the node
 * (`mesh_getContractAbi`), or one pasted here (kept in this browser).
 */
export function AddressPage(props: { network: Network; address: string }) {
  const { network, address } = props
  const [account, setAccount] = useState<Account>()
  const [error, setError] = useState<string>()
  const known = KNOWN_CONTRACTS[network.kind][address.toLowerCase()]
  const [pasted, setPasted] = useState(() => localStorage.getItem(storageKey(network, address)) ?? '')
  const [abiError, setAbiError] = useState<string>()
  const [deployed, setDeployed] = useState<DeployedAbi | null>()
  useEffect(() => {
    setDeployed(undefined)
    deployedAbiOf(network, address).then(setDeployed, () => setDeployed(null))
  }, [network.name, address])
  useEffect(() => {
    const url = network.rpcUrl
    Promise.all([
      rpc<string>(url, 'eth_getBalance', [address, 'latest']),
      rpc<string>(url, 'eth_getTransactionCount', [address, 'latest']),
      rpc<string>(url, 'eth_getCode', [address, 'latest']),
    ])
      .then(([balance, nonce, code]) => setAccount({ balance, nonce, code }))
      .catch((e: Error) => setError(e.message))
  }, [network.name, address])
  let abi: Abi | undefined = known?.abi ?? deployed?.abi
  if (!abi && pasted.trim()) {
    try {
      abi = parseUserAbi(pasted)
    } catch {
      abi = undefined
    }
  }
  if (error) return <p class="error">{error}</p>
  if (!account) return <p>Loading {address}…</p>
  const vm = vmOfCode(account.code)
  return (
    <>
      <h1>
        {known ? known.name : deployed ? deployed.name : vm === 'none' ? 'Account' : 'Contract'} on{' '}
        {network.name}
      </h1>
      <dl data-testid="account">
        <dt>address</dt>
        <dd class="mono">{address}</dd>
        <dt>balance</dt>
        <dd>{formatEther(account.balance)}</dd>
        <dt>nonce</dt>
        <dd>{hexToNum(account.nonce)}</dd>
        <dt>code</dt>
        <dd>
          {vm === 'none' ? 'none' : <span class={`badge ${vm}`}>{vm.toUpperCase()}</span>}{' '}
          {vm !== 'none' && <span class="muted">{(account.code.length - 2) / 2} bytes</span>}
        </dd>
      </dl>
      {vm !== 'none' && (
        <>
          <h2>Read contract</h2>
          {deployed && !known && (
            <p class="muted" data-testid="abi-source">
              ABI recorded by <code>mesh deploy</code>
              {deployed.txHash && (
                <>
                  {' '}
                  in <a href={`#/network/${network.name}/tx/${deployed.txHash}`}>its deployment</a>
                </>
              )}
            </p>
          )}
          {!known && !deployed && (
            <details open={!abi}>
              <summary>ABI (JSON, or one `function …` per line)</summary>
              <textarea
                rows={6}
                cols={90}
                value={pasted}
                onInput={(e) => {
                  const text = (e.target as HTMLTextAreaElement).value
                  setPasted(text)
                  try {
                    if (text.trim()) parseUserAbi(text)
                    localStorage.setItem(storageKey(network, address), text)
                    setAbiError(undefined)
                  } catch (err) {
                    setAbiError((err as Error).message.split('\n')[0])
                  }
                }}
              />
              {abiError && <p class="error">{abiError}</p>}
            </details>
          )}
          {abi &&
            readFunctions(abi).map((fn) => (
              <ReadFunction key={fn.name} rpcUrl={network.rpcUrl} address={address} fn={fn} />
            ))}
          {abi && writeFunctions(abi).length > 0 && (
            <>
              <h2>Write contract</h2>
              <p class="muted">Sent with eth_sendTransaction from a dev account (the dev node signs).</p>
              {writeFunctions(abi).map((fn) => (
                <WriteFunction key={fn.name} network={network} address={address} fn={fn} />
              ))}
            </>
          )}
        </>
      )}
    </>
  )
}
