// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are indexed freely
type Json = any

/** One JSON-RPC call over HTTP; throws on transport errors and JSON-RPC errors (message kept). */
export async function call(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 10_000,
): Promise<Json> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const body = (await res.json()) as Json
  if (body.error) throw new RPCCallError(method, body.error.code, body.error.message)
  return body.result
}

export class RPCCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message} (${code})`)
  }
}

export const hexToBig = (h: string): bigint => BigInt(h)
