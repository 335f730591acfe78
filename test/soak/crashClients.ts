import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { spnMailboxAbi } from '@rollup-mesh/spn'
import { type Abi, encodeFunctionData, type Hex, numberToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { call } from './rpcClient.js'

/** One transaction a client signed and sent, whether or not the node acknowledged it. */
export type SentTx = {
  network: string
  kind: 'value' | 'token' | 'message'
  hash: Hex
  acked: boolean
  to: Hex
  amount: bigint
  /** Messages: the tag in `data` that finds it in the destination's inbox. */
  tag?: Hex
  dstSpn?: bigint
}

export type ClientNetwork = { name: string; chainId: number; spnId: bigint; url: () => string }

/**
 * A sequential sender on one network: signs the next transaction at its nonce, sends it; an answer with a hash
 * acknowledges it; any failure (the node is down) leaves it unacknowledged and the nonce is read again from
 * the node (`pending`) once it answers, so a transaction the node kept before dying is never reused.
 */
export function startSender(options: {
  net: ClientNetwork
  key: Hex
  kind: SentTx['kind']
  recipients: Hex[]
  token?: { address: Hex; abi: Abi }
  dstSpn?: bigint
  sent: SentTx[]
  isRunning: () => boolean
  /** Pause after each send (default: 400 ms for messages, 60 ms for transfers). */
  intervalMs?: number
}): Promise<void> {
  const { net, kind, recipients, sent } = options
  const account = privateKeyToAccount(options.key)
  let seq = 0
  return (async () => {
    let nonce: number | undefined
    while (options.isRunning()) {
      try {
        if (nonce === undefined)
          nonce = Number(
            await call(net.url(), 'eth_getTransactionCount', [account.address, 'pending'], 5_000),
          )
      } catch {
        await new Promise((r) => setTimeout(r, 300))
        continue
      }
      const to = recipients[seq % recipients.length] as Hex
      const amount = BigInt(1 + (seq % 7))
      const tag = numberToHex((BigInt(net.spnId) << 64n) | BigInt(seq), { size: 32 })
      seq++
      const base = {
        chainId: net.chainId,
        type: 'eip1559' as const,
        nonce,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
      }
      const raw =
        kind === 'value'
          ? await account.signTransaction({ ...base, to, value: amount, gas: 21_000n })
          : kind === 'token'
            ? await account.signTransaction({
                ...base,
                to: options.token?.address as Hex,
                gas: 100_000n,
                data: encodeFunctionData({
                  abi: options.token?.abi as Abi,
                  functionName: 'transfer',
                  args: [to, amount],
                }),
              })
            : await account.signTransaction({
                ...base,
                to: SYSTEM_ADDRESSES.spn.mailbox,
                gas: 300_000n,
                data: encodeFunctionData({
                  abi: spnMailboxAbi,
                  functionName: 'sendMessage',
                  args: [options.dstSpn as bigint, to, tag],
                }),
              })
      const entry: SentTx = {
        network: net.name,
        kind,
        hash: '0x',
        acked: false,
        to,
        amount,
        ...(kind === 'message' ? { tag, dstSpn: options.dstSpn as bigint } : {}),
      }
      try {
        entry.hash = (await call(net.url(), 'eth_sendRawTransaction', [raw], 10_000)) as Hex
        entry.acked = true
        nonce++
      } catch {
        // unknown: maybe kept, maybe not; the receipt decides later, and the nonce is read again
        const { keccak256 } = await import('viem')
        entry.hash = keccak256(raw)
        nonce = undefined
      }
      sent.push(entry)
      await new Promise((r) => setTimeout(r, options.intervalMs ?? (kind === 'message' ? 400 : 60)))
    }
  })()
}
