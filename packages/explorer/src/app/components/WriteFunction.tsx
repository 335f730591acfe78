import { useState } from 'preact/hooks'
import { type Abi, type AbiFunction, encodeFunctionData } from 'viem'
import { parseArg, parseEtherInput } from '../lib/contractReader.js'
import { DEV_ADDRESSES } from '../lib/devAccounts.js'
import { rpc } from '../lib/rpc.js'
import type { Network, RPCReceipt } from '../lib/types.js'

/**
 * One write function of a contract (Etherscan's Write Contract): a field per input, a value for a payable
 * one, a dev account to send from; sent with `eth_sendTransaction` (the dev node signs), then its receipt.
 */
export function WriteFunction(props: { network: Network; address: string; fn: AbiFunction }) {
  const { fn, network } = props
  const [args, setArgs] = useState<string[]>(fn.inputs.map(() => ''))
  const [value, setValue] = useState('')
  const [from, setFrom] = useState<string>(DEV_ADDRESSES[0])
  const [result, setResult] = useState<{ ok: boolean; text: string; hash?: string }>()
  const send = async () => {
    try {
      const values = fn.inputs.map((p, i) => parseArg(p, args[i] ?? ''))
      const wei = fn.stateMutability === 'payable' ? parseEtherInput(value) : 0n
      const data = encodeFunctionData({ abi: [fn] as Abi, functionName: fn.name, args: values })
      const hash = await rpc<string>(network.rpcUrl, 'eth_sendTransaction', [
        { from, to: props.address, data, value: `0x${wei.toString(16)}` },
      ])
      setResult({ ok: true, text: 'sent, waiting for its block…', hash })
      for (let i = 0; i < 120; i++) {
        const receipt = await rpc<RPCReceipt | null>(network.rpcUrl, 'eth_getTransactionReceipt', [hash])
        if (receipt) {
          const ok = receipt.status === '0x1'
          return setResult({ ok, text: ok ? '✓ success' : '✗ reverted', hash })
        }
        await new Promise((r) => setTimeout(r, 500))
      }
      setResult({ ok: false, text: 'no receipt after 60 s', hash })
    } catch (err) {
      setResult({
        ok: false,
        text: (err as { shortMessage?: string; message: string }).shortMessage ?? (err as Error).message,
      })
    }
  }
  return (
    <form
      class="read-fn"
      data-write-fn={fn.name}
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      <b>{fn.name}</b>
      {fn.inputs.map((p, i) => (
        <input
          key={`${fn.name}-${i}`}
          placeholder={`${p.name || `arg${i}`} (${p.type})`}
          value={args[i]}
          onInput={(e) => setArgs(args.map((a, j) => (j === i ? (e.target as HTMLInputElement).value : a)))}
        />
      ))}
      {fn.stateMutability === 'payable' && (
        <input
          placeholder="value (ETH)"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      )}
      <select value={from} onChange={(e) => setFrom((e.target as HTMLSelectElement).value)} title="send from">
        {DEV_ADDRESSES.map((a, i) => (
          <option key={a} value={a}>
            ({i}) {a.slice(0, 10)}…
          </option>
        ))}
      </select>
      <button type="submit">Write</button>
      {result && (
        <div class={result.ok ? 'answer' : 'error answer'} data-testid="write-result">
          {result.text}{' '}
          {result.hash && (
            <a class="mono" href={`#/network/${network.name}/tx/${result.hash}`}>
              {result.hash}
            </a>
          )}
        </div>
      )}
    </form>
  )
}
