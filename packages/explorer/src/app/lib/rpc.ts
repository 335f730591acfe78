import { RPCCallError } from './rpcError.js'

let nextId = 1

/**
 * One JSON-RPC call from the page to a node (CORS: the node lists the explorer's origin).
 *
 * @example
 * const head = await rpc<string>('http://127.0.0.1:8545', 'eth_blockNumber') // '0x2a'
 */
export async function rpc<T>(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 10_000,
): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    const timeout = (err as { name?: string }).name === 'TimeoutError'
    throw new RPCCallError(
      `${method}: ${url} ${timeout ? `did not answer in ${timeoutMs} ms` : 'is unreachable'}`,
      timeout ? 'RPC_TIMEOUT' : 'RPC_UNREACHABLE',
    )
  }
  if (!res.ok) throw new RPCCallError(`${method}: ${url} answered HTTP ${res.status}`, 'RPC_HTTP')
  const body = (await res.json()) as { result?: T; error?: { message?: string; code?: number } }
  if (body.error)
    throw new RPCCallError(`${method}: ${body.error.message ?? 'error'} (${body.error.code})`, 'RPC_ERROR')
  return body.result as T
}

/**
 * Several calls to one node in one JSON-RPC batch (one HTTP request); each answer in the order asked,
 * `undefined` where that call failed.
 *
 * @example
 * const txs = await rpcBatch<RPCTransaction | null>(url, hashes.map((h) => ['eth_getTransactionByHash', [h]]))
 */
export async function rpcBatch<T>(
  url: string,
  calls: [method: string, params: unknown[]][],
  timeoutMs = 10_000,
): Promise<(T | undefined)[]> {
  if (calls.length === 0) return []
  const first = nextId
  nextId += calls.length
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        calls.map(([method, params], i) => ({ jsonrpc: '2.0', id: first + i, method, params })),
      ),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    const timeout = (err as { name?: string }).name === 'TimeoutError'
    throw new RPCCallError(
      `batch of ${calls.length}: ${url} ${timeout ? `did not answer in ${timeoutMs} ms` : 'is unreachable'}`,
      timeout ? 'RPC_TIMEOUT' : 'RPC_UNREACHABLE',
    )
  }
  if (!res.ok)
    throw new RPCCallError(`batch of ${calls.length}: ${url} answered HTTP ${res.status}`, 'RPC_HTTP')
  const body = (await res.json()) as { id?: number; result?: T; error?: unknown }[]
  const out = new Array<T | undefined>(calls.length).fill(undefined)
  if (Array.isArray(body))
    for (const r of body) {
      const i = (r.id ?? -1) - first
      if (i >= 0 && i < calls.length && r.error === undefined) out[i] = r.result
    }
  return out
}
