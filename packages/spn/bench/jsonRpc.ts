/**
 * Plain JSON-RPC over fetch for the user-mode benchmark's setup and posting (the measured receipt waits go
 * through viem): single calls, batches, batched posting of raw transactions and a simple receipt poll.
 */
import type { Hex } from 'viem'
import { UserModeError } from './userModeError.js'

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are indexed freely here
export type Json = any

/** POSTs one JSON-RPC body (a request or a batch) and returns the parsed reply (default timeout 120 s). */
export async function rpc(url: string, body: unknown, timeoutMs = 120_000): Promise<Json> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  })
  return res.json()
}

/** One request; its `result`, or a `UserModeError` carrying the node's error message. */
export async function one(url: string, method: string, params: unknown[] = []): Promise<Json> {
  const r = await rpc(url, { jsonrpc: '2.0', id: 1, method, params })
  if (r.error) throw new UserModeError(`${method} failed on ${url}: ${r.error.message}`)
  return r.result
}

/** A JSON-RPC request object. */
export const req = (method: string, params: unknown[], id: number) => ({ jsonrpc: '2.0', id, method, params })

/** Posts `raws` with `eth_sendRawTransaction` in batches of `batch`; any rejection throws (`what` names the step). */
export async function postAll(url: string, raws: readonly Hex[], batch: number, what: string): Promise<void> {
  for (let i = 0; i < raws.length; i += batch) {
    const r = await rpc(
      url,
      raws.slice(i, i + batch).map((raw, j) => req('eth_sendRawTransaction', [raw], j)),
    )
    for (const x of r) if (x.error) throw new UserModeError(`${what}: ${x.error.message}`)
  }
}

/** Polls `eth_getTransactionReceipt` every 100 ms until the receipt is there (setup only, not measured). */
export async function waitReceipt(url: string, hash: Hex, timeoutMs = 300_000): Promise<Json> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const r = await one(url, 'eth_getTransactionReceipt', [hash])
    if (r) return r
    if (Date.now() > end)
      throw new UserModeError(`No receipt for ${hash} after ${timeoutMs / 1000} s on ${url}.`, [
        '- The node did not include the transaction: look at its log (SPN_BENCH_KEEP=1 keeps the mesh dir).',
      ])
    await new Promise((res) => setTimeout(res, 100))
  }
}
