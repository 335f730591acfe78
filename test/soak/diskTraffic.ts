import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { call, RPCCallError } from './rpcClient.js'

/** How each send ended: acknowledged (hash), refused for a full disk, or anything else. */
export type DiskSendResult =
  | { kind: 'acked'; hash: Hex }
  | { kind: 'disk-full'; code: number; message: string }
  | { kind: 'other'; detail: string }

/**
 * Senders of bulky transfers (each carries `payloadBytes` of calldata, so the chain store grows fast) that
 * keep their own nonces: a refused transaction is not acknowledged, so the same nonce is sent again.
 */
export function createBulkSenders(options: {
  url: string
  chainId: number
  keys: Hex[]
  to: Hex
  payloadBytes: number
}) {
  const accounts = options.keys.map((k) => privateKeyToAccount(k))
  const nonces = accounts.map(() => 0)
  const acked = new Map<Hex, { from: Hex; nonce: number }>()
  const payload = `0x${'5a'.repeat(options.payloadBytes)}` as Hex
  let round = 0
  return {
    acked,
    /** Sends one transaction from sender `i`; a refusal leaves its nonce as it was. */
    async send(i: number): Promise<DiskSendResult> {
      const account = accounts[i % accounts.length]!
      const idx = i % accounts.length
      const nonce = nonces[idx]!
      // a distinct payload per send: a refused and resent transaction is a new one, never "already known"
      const data = `${payload.slice(0, -8)}${(round++ % 0xffffffff).toString(16).padStart(8, '0')}` as Hex
      const raw = await account.signTransaction({
        chainId: options.chainId,
        type: 'eip1559',
        nonce,
        to: options.to,
        value: 1n,
        data,
        gas: 21_000n + 48n * BigInt(options.payloadBytes),
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
      })
      try {
        const hash = (await call(options.url, 'eth_sendRawTransaction', [raw], 30_000)) as Hex
        acked.set(hash, { from: account.address, nonce })
        nonces[idx] = nonce + 1
        return { kind: 'acked', hash }
      } catch (err) {
        if (err instanceof RPCCallError && /disk full/i.test(err.message))
          return { kind: 'disk-full', code: err.code, message: err.message }
        return { kind: 'other', detail: (err as Error).message.slice(0, 300) }
      }
    },
  }
}
