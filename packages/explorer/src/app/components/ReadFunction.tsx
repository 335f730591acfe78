import { useState } from 'preact/hooks'
import { type Abi, type AbiFunction, decodeFunctionResult, encodeFunctionData, type Hex } from 'viem'
import { formatResult, parseArg } from '../lib/contractReader.js'
import { rpc } from '../lib/rpc.js'

/** One read function of a contract: a field per input, and its answer from `eth_call`. */
export function ReadFunction(props: { rpcUrl: string; address: string; fn: AbiFunction }) {
  const { fn } = props
  const [args, setArgs] = useState<string[]>(fn.inputs.map(() => ''))
  const [answer, setAnswer] = useState<{ ok: boolean; text: string }>()
  const query = async () => {
    try {
      const values = fn.inputs.map((p, i) => parseArg(p, args[i] ?? ''))
      const abi = [fn] as Abi
      const data = encodeFunctionData({ abi, functionName: fn.name, args: values })
      const raw = await rpc<Hex>(props.rpcUrl, 'eth_call', [{ to: props.address, data }, 'latest'])
      const out = decodeFunctionResult({ abi, functionName: fn.name, data: raw })
      setAnswer({ ok: true, text: formatResult(out) })
    } catch (err) {
      setAnswer({
        ok: false,
        text: (err as { shortMessage?: string; message: string }).shortMessage ?? (err as Error).message,
      })
    }
  }
  return (
    <form
      class="read-fn"
      data-fn={fn.name}
      onSubmit={(e) => {
        e.preventDefault()
        void query()
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
      <button type="submit">Query</button>
      {fn.outputs.length > 0 && <span class="muted"> → {fn.outputs.map((o) => o.type).join(', ')}</span>}
      {answer && (
        <div class={answer.ok ? 'mono wrap answer' : 'error answer'} data-testid="answer">
          {answer.text}
        </div>
      )}
    </form>
  )
}
