import { Agent, request } from 'node:http'

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are indexed freely
type Json = any

const agent = new Agent({ keepAlive: true })

/** An HTTP answer: its status and its body as text. */
export type HTTPAnswer = { status: number; text: string }

/**
 * One HTTP request over keep-alive sockets (`node:http`: a fraction of fetch's CPU per request, which the
 * scenarios' clients spend on the same two cores as the nodes they measure; the body goes to the socket as
 * it is, with its length). Rejects on transport errors and on no answer within `timeoutMs`.
 */
export function httpRequest(
  url: string,
  o: {
    method?: string
    headers?: Record<string, string | number>
    body?: string | Buffer | undefined
    timeoutMs: number
    agent?: Agent
  },
): Promise<HTTPAnswer> {
  const headers = { ...o.headers }
  if (o.body !== undefined) headers['content-length'] = Buffer.byteLength(o.body)
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'POST', headers, agent: o.agent ?? agent })
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs)
    const fail = (err: Error) => {
      clearTimeout(timer)
      reject(err)
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        clearTimeout(timer)
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() })
      })
      res.on('error', fail)
    })
    req.on('error', fail)
    req.end(o.body)
  })
}

/** POSTs a JSON text and parses the answer (`httpRequest`); throws on an answer that is not JSON. */
export async function postJSON(url: string, text: string, timeoutMs: number): Promise<Json> {
  const answer = await httpRequest(url, {
    headers: { 'content-type': 'application/json' },
    body: text,
    timeoutMs,
  })
  return JSON.parse(answer.text)
}

/** One JSON-RPC call over HTTP; throws on transport errors and JSON-RPC errors (message kept). */
export async function call(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 10_000,
): Promise<Json> {
  const body = await postJSON(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), timeoutMs)
  if (body.error) throw new RPCCallError(method, body.error.code, body.error.message)
  return body.result
}

/**
 * The same `method` with each of `paramsList`, as JSON-RPC batches of `chunk` (the nodes take up to 2,000
 * per batch): one HTTP round trip per chunk instead of one per call, which is what the scenarios' checks
 * (a receipt per transaction, every block of every chain) cost on a loaded machine. Results in order; a
 * JSON-RPC error in any answer throws like `call`.
 */
export async function callBatch(
  url: string,
  method: string,
  paramsList: readonly unknown[][],
  chunk = 200,
  timeoutMs = 30_000,
): Promise<Json[]> {
  const out: Json[] = []
  for (let from = 0; from < paramsList.length; from += chunk) {
    const part = paramsList.slice(from, from + chunk)
    const body = await postJSON(
      url,
      JSON.stringify(part.map((params, id) => ({ jsonrpc: '2.0', id, method, params }))),
      timeoutMs,
    )
    if (!Array.isArray(body)) throw new RPCCallError(method, body?.error?.code ?? 0, JSON.stringify(body))
    const byId = new Map<number, Json>(body.map((item: Json) => [item.id, item]))
    for (const [id] of part.entries()) {
      const item = byId.get(id)
      if (!item || item.error)
        throw new RPCCallError(method, item?.error?.code ?? 0, item?.error?.message ?? 'no answer in batch')
      out.push(item.result)
    }
  }
  return out
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
