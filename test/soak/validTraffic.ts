import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { call } from './rpcClient.js'

/** Value transfers from a few dev accounts, each sender sequential, counting acknowledged ones per phase. */
export type ValidTraffic = {
  /** Starts (or restarts) counting; returns a function that stops counting and gives tx/s. */
  measure(): () => { acked: number; seconds: number; perSecond: number }
  stop(): Promise<void>
  /** Acknowledged transactions per sender (nonce order), for the inclusion check. */
  acked: Map<string, number>
  /** Each sender's pending nonce when the traffic started. */
  startNonce: Map<string, number>
  errors: string[]
  /** The times (ms) of the transfers acknowledged since the last call: signing each, and its request. */
  drainTimes(): { sign: number[]; send: number[] }
}

export function startValidTraffic(options: {
  url: string
  chainId: number
  keys: Hex[]
  to: Hex
}): ValidTraffic {
  let running = true
  let count = 0
  const acked = new Map<string, number>()
  const startNonce = new Map<string, number>()
  const errors: string[] = []
  let sign: number[] = []
  let send: number[] = []
  const loops = options.keys.map(async (key) => {
    const account = privateKeyToAccount(key)
    let nonce = Number(await call(options.url, 'eth_getTransactionCount', [account.address, 'pending']))
    acked.set(account.address.toLowerCase(), 0)
    startNonce.set(account.address.toLowerCase(), nonce)
    while (running) {
      const t0 = performance.now()
      const raw = await account.signTransaction({
        chainId: options.chainId,
        type: 'eip1559',
        nonce,
        to: options.to,
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
      })
      try {
        const t1 = performance.now()
        await call(options.url, 'eth_sendRawTransaction', [raw], 20_000)
        sign.push(t1 - t0)
        send.push(performance.now() - t1)
        nonce++
        count++
        acked.set(account.address.toLowerCase(), (acked.get(account.address.toLowerCase()) ?? 0) + 1)
      } catch (err) {
        if (errors.length < 20) errors.push((err as Error).message)
        await new Promise((r) => setTimeout(r, 100))
        nonce = Number(
          await call(options.url, 'eth_getTransactionCount', [account.address, 'pending']).catch(() => nonce),
        )
      }
    }
  })
  return {
    acked,
    startNonce,
    errors,
    drainTimes() {
      const out = { sign, send }
      sign = []
      send = []
      return out
    },
    measure() {
      const start = performance.now()
      const from = count
      return () => {
        const seconds = (performance.now() - start) / 1000
        const n = count - from
        return { acked: n, seconds, perSecond: n / seconds }
      }
    },
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}
