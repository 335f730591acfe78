import { type Abi, type Address, decodeEventLog, isAddress } from 'viem'
import { parseAmount, parseArgs, readAbiFile, resolveAccount, resolveFunction } from '../../contracts/abi.js'
import { callFunction, formatValue, sendFunction } from '../../contracts/client.js'
import { MeshCliError } from '../../errors.js'
import { findDeployment } from '../../mesh/deployments.js'
import { resolveTarget } from '../../mesh/rpc.js'
import { resolveDataDir } from '../../mesh/state.js'
import { createOut } from '../../output.js'
import type { CallOptions } from './options.js'

async function prepare(options: CallOptions) {
  if (!isAddress(options.address))
    throw new MeshCliError(`"${options.address}" is not a contract address.`, {
      code: 'BAD_ADDRESS',
      metaMessages: ['- Expected 0x + 40 hex characters (what `mesh deploy` printed).'],
    })
  const dataDir = resolveDataDir(options.dataDir)
  const target = await resolveTarget({ network: options.network, rpcUrl: options.rpcUrl, dataDir })
  const abi: Abi | undefined = options.abi
    ? readAbiFile(options.abi)
    : findDeployment(dataDir, target.network, options.address)?.abi
  const fn = resolveFunction(options.function, abi, options.args.length)
  const args = parseArgs(fn.inputs, options.args, `${fn.name}`)
  return { target, abi, fn, args, address: options.address as Address }
}

/** `mesh call`: an eth_call by signature or ABI; prints the decoded result (raw hex when outputs are unknown). */
export async function callHandler(options: CallOptions): Promise<number> {
  const out = createOut(options.json)
  const { target, fn, args, address } = await prepare(options)
  const from = options.from ? resolveAccount(options.from).address : undefined
  const { raw, decoded } = await callFunction(target, address, fn, args, from)
  if (decoded === undefined) out.line(raw)
  else if (fn.outputs.length > 1 && Array.isArray(decoded))
    for (const [i, v] of decoded.entries())
      out.line(`${fn.outputs[i]?.name || fn.outputs[i]?.type}: ${formatValue(v)}`)
  else out.line(formatValue(decoded))
  out.result({ network: target.network, address, function: fn.name, result: decoded, raw })
  return 0
}

/** `mesh send`: a signed transaction calling a function; waits for the receipt, prints hash, gas and events. */
export async function sendHandler(options: CallOptions): Promise<number> {
  const out = createOut(options.json)
  const { target, abi, fn, args, address } = await prepare(options)
  const account = resolveAccount(options.from)
  const r = await sendFunction(
    target,
    address,
    fn,
    args,
    account,
    options.value ? parseAmount(options.value, '--value') : undefined,
  )
  const events = r.logs.map((l) => {
    if (!abi) return { address: l.address, topic0: l.topics[0] }
    try {
      const ev = decodeEventLog({ abi, topics: l.topics as [], data: l.data })
      return { address: l.address, event: ev.eventName, args: ev.args }
    } catch {
      return { address: l.address, topic0: l.topics[0] }
    }
  })
  out.line(`${r.status === 'success' ? 'Sent' : 'Reverted'} ${fn.name} on ${target.network}`)
  out.line(`  tx hash   ${r.txHash}`)
  out.line(`  status    ${r.status}`)
  out.line(`  gas used  ${r.gasUsed}`)
  out.line(`  block     ${r.blockNumber}`)
  for (const e of events)
    out.line(
      `  event     ${'event' in e ? `${e.event} ${formatValue(e.args)}` : `${e.topic0} at ${e.address}`}`,
    )
  out.result({ ...r, function: fn.name, events })
  return r.status === 'success' ? 0 : 1
}
