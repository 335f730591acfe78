import { Agent } from 'node:http'
import WebSocket from 'ws'
import type { AbuseRequest } from './malformed.js'
import { httpRequest } from './rpcClient.js'

/** The node's request body / WebSocket message limit (chain's default). */
export const MAX_BODY = 16 * 1024 * 1024
const STACK_RE = /\n\s+at \S|at [\w.<>]+ \(\/|node:internal/
const ANSWER_TIMEOUT_MS = 15_000

/** What one hostile request got back: `ok` when it is a JSON-RPC error (or result) or a 4xx. */
export type Verdict = { ok: boolean; class: string; detail?: string }

/** The first `n` characters of a body for a log line, without decoding a 16 MiB buffer whole. */
export const preview = (body: string | Buffer, n: number): string =>
  typeof body === 'string' ? body.slice(0, n) : body.subarray(0, n).toString('latin1')

/** Classifies one HTTP answer: a JSON-RPC error (or result) body, or a 4xx, never a stack trace or a 5xx. */
export function judgeHTTP(status: number, text: string): Verdict {
  if (STACK_RE.test(text)) return { ok: false, class: 'stack-trace', detail: text.slice(0, 300) }
  if (status >= 500) return { ok: false, class: `http-${status}`, detail: text.slice(0, 300) }
  if (status >= 400) return { ok: true, class: `http-${status}` }
  if (status === 204) return { ok: true, class: 'no-content' }
  return judgeJSON(text)
}

/** Classifies one JSON-RPC answer body (single or batch). */
export function judgeJSON(text: string): Verdict {
  if (STACK_RE.test(text)) return { ok: false, class: 'stack-trace', detail: text.slice(0, 300) }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, class: 'not-json', detail: text.slice(0, 200) }
  }
  const items = Array.isArray(body) ? body : [body]
  let cls = 'rpc-error'
  for (const item of items as Record<string, unknown>[]) {
    if (typeof item !== 'object' || item === null || item.jsonrpc !== '2.0' || !('id' in item))
      return { ok: false, class: 'not-json-rpc', detail: text.slice(0, 200) }
    const error = item.error as { code?: unknown; message?: unknown } | undefined
    if (error) {
      if (typeof error.code !== 'number' || typeof error.message !== 'string')
        return { ok: false, class: 'bad-error-object', detail: text.slice(0, 200) }
      if (error.code === -32603) cls = 'internal-error'
    } else if (!('result' in item)) return { ok: false, class: 'not-json-rpc', detail: text.slice(0, 200) }
    else if (cls === 'rpc-error') cls = 'result'
  }
  return {
    ok: cls !== 'internal-error',
    class: cls,
    ...(cls === 'internal-error' ? { detail: text.slice(0, 200) } : {}),
  }
}

/** An over-limit huge string: the node may close the connection before the client finished sending it. */
const overLimit = (req: AbuseRequest): boolean =>
  req.kind === 'huge-string' && Buffer.byteLength(req.body) > MAX_BODY

/**
 * Sends hostile requests over HTTP through `rpcClient.ts:httpRequest` on a pool of keep-alive sockets of
 * its own: bodies go out as they are (fetch copied every body twice more, `extractBody` and
 * `cloneAsUint8Array`, which on two cores made the flood generator itself the valid traffic's main
 * competitor for a core: soak README, session 14).
 */
export class HTTPSender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 })
  constructor(private readonly url: string) {}

  send(req: AbuseRequest): Promise<Verdict> {
    const method = req.httpMethod ?? 'POST'
    const ct = 'contentType' in req ? req.contentType : 'application/json'
    return httpRequest(this.url, {
      method,
      headers: ct !== undefined ? { 'content-type': ct } : {},
      body: method === 'GET' || method === 'HEAD' ? undefined : req.body,
      timeoutMs: ANSWER_TIMEOUT_MS,
      agent: this.agent,
    }).then(
      (answer) => judgeHTTP(answer.status, answer.text),
      // An oversized body is answered 413 and the connection closed: the upload may see the close first.
      (err: Error): Verdict =>
        overLimit(req)
          ? { ok: true, class: 'closed-over-limit' }
          : { ok: false, class: 'transport', detail: err.message },
    )
  }

  close(): void {
    this.agent.destroy()
  }
}

/** One WebSocket per worker, reopened after the server closes it. */
export class WSClient {
  private ws: WebSocket | undefined
  constructor(private readonly url: string) {}
  private async open(): Promise<WebSocket> {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) return this.ws
    const ws = new WebSocket(this.url)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    ws.on('error', () => undefined)
    this.ws = ws
    return ws
  }
  async send(req: AbuseRequest): Promise<Verdict> {
    let ws: WebSocket
    try {
      ws = await this.open()
    } catch (err) {
      return { ok: false, class: 'ws-connect', detail: (err as Error).message }
    }
    return new Promise<Verdict>((resolve) => {
      const done = (v: Verdict) => {
        clearTimeout(timer)
        ws.off('message', onMessage)
        ws.off('close', onClose)
        resolve(v)
      }
      const onMessage = (data: WebSocket.RawData) => {
        const text = data.toString()
        if (text.includes('"eth_subscription"')) return
        done(judgeJSON(text))
      }
      const onClose = (code: number) => {
        this.ws = undefined
        if (code === 1009 || overLimit(req)) done({ ok: true, class: `ws-close-${code}` })
        else done({ ok: false, class: `ws-close-${code}` })
      }
      const timer = setTimeout(() => done({ ok: false, class: 'ws-timeout' }), ANSWER_TIMEOUT_MS)
      ws.on('message', onMessage)
      ws.on('close', onClose)
      // A text frame, as a JSON-RPC client sends it (a buffer would go as binary)
      ws.send(req.body, { binary: false })
    })
  }
  close(): void {
    this.ws?.terminate()
  }
}
