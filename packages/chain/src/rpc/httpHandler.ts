import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '@rollup-mesh/core'
import { RPCErrorCode } from '../errors.js'
import type { NodeMetrics } from '../metrics/nodeMetrics.js'
import { isMetricsRequest, serveMetrics } from '../metrics/serveMetrics.js'
import { batchTooLarge, type DispatchOptions, dispatchRPC, errorResponse } from './dispatch.js'
import type { RPCIngress } from './ingress.js'
import { type ParsedBody, parseRequestBody } from './ingressParse.js'
import { isJSONContentType, JSON_CONTENT_TYPES } from './jsonContentType.js'
import { scanJSONShape } from './jsonShape.js'
import { tooDeepError } from './limits.js'
import type { OriginPolicy } from './originPolicy.js'
import { responseChunks } from './responseText.js'
import type { RPCMethods } from './server.js'

/** What the HTTP side of the RPC server needs. */
export type HTTPHandlerParts = {
  methods: RPCMethods
  dispatch: DispatchOptions
  /** Why a request's Host or Origin is refused (`createRequestGuard`). */
  forbidden: (req: IncomingMessage) => string | undefined
  originPolicy: OriginPolicy
  maxBody: number
  maxDepth: number
  metrics?: NodeMetrics | undefined
  /** Parses transaction-carrying bodies off this thread; absent: every body is parsed here. */
  ingress?: RPCIngress | undefined
  log: Logger
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Writes a body of text and byte chunks (`responseChunks`) as one corked write, with its content length. */
function sendChunks(res: ServerResponse, status: number, chunks: (string | Uint8Array)[]): void {
  if (chunks.length === 1 && typeof chunks[0] === 'string') {
    sendText(res, status, chunks[0])
    return
  }
  let length = 0
  for (const c of chunks) length += typeof c === 'string' ? Buffer.byteLength(c) : c.byteLength
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': length })
  res.cork()
  for (const c of chunks) res.write(c)
  res.end()
}

const send = (res: ServerResponse, status: number, body: unknown): void =>
  sendText(res, status, JSON.stringify(body))

const refuse = (res: ServerResponse, status: number, code: number, message: string): void =>
  send(res, status, { jsonrpc: '2.0', id: null, error: { code, message } })

/**
 * The HTTP request handler of the RPC server: Host/Origin guard (403), CORS preflight, `GET /metrics`,
 * POST only (405), JSON bodies only (415), the body size limit (413), JSON parse (-32700) and nesting
 * depth (on the ingress thread for a body with transactions: `createSendIngress`), then `dispatchRPC`; the answer's chunks come from `responseChunks` (a read worker's block bytes written as they are).
 *
 * @example
 * ```ts
 * const server = createServer(createHTTPHandler({ methods, dispatch: { maxBatchSize: 2_000, log }, forbidden, originPolicy, maxBody: 1 << 24, maxDepth: 64, log }))
 * ```
 */
export function createHTTPHandler(p: HTTPHandlerParts): (req: IncomingMessage, res: ServerResponse) => void {
  const { log, maxBody } = p
  const tooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('connection', 'close')
    refuse(res, 413, RPCErrorCode.invalidRequest, `request body too large: limit ${maxBody} bytes`)
    req.destroy()
  }
  const respond = (res: ServerResponse, parsed: ParsedBody, done?: () => void): void => {
    if ('parseError' in parsed) {
      refuse(res, 200, RPCErrorCode.parse, 'parse error: invalid JSON')
      return
    }
    if ('tooDeep' in parsed) {
      send(res, 200, errorResponse(null, tooDeepError(p.maxDepth), log))
      return
    }
    const { payload } = parsed
    p.metrics?.countRequests(payload, p.methods)
    dispatchRPC(payload, p.methods, {}, p.dispatch)
      .then(
        (out) => {
          if (out === undefined) res.writeHead(204).end()
          else sendChunks(res, 200, responseChunks(out))
        },
        (err: unknown) => send(res, 500, errorResponse(null, err, log)),
      )
      .finally(done)
  }
  const answer = (res: ServerResponse, body: Buffer): void => {
    // Over the depth or batch limit: refused from a scan of the bytes, before any parse or decode-thread trip.
    const over = scanJSONShape(body, { maxDepth: p.maxDepth, maxBatchSize: p.dispatch.maxBatchSize })
    if (over) {
      if ('tooDeep' in over) send(res, 200, errorResponse(null, tooDeepError(p.maxDepth), log))
      else send(res, 200, batchTooLarge(over.batchTooLarge, p.dispatch.maxBatchSize))
      return
    }
    // A transaction-carrying body is parsed and decoded off this thread (`createSendIngress`).
    const taken = p.ingress?.take(body, { maxDepth: p.maxDepth, maxBatchSize: p.dispatch.maxBatchSize })
    if (taken)
      taken.then(
        (parsed) => respond(res, parsed, parsed.done),
        (err: unknown) => send(res, 500, errorResponse(null, err, log)),
      )
    else respond(res, parseRequestBody(body, p.maxDepth))
  }
  return (req, res) => {
    const refusal = p.forbidden(req)
    if (refusal) {
      log.debug({ host: req.headers.host, origin: req.headers.origin }, 'RPC request refused')
      refuse(res, 403, RPCErrorCode.invalidRequest, refusal)
      req.resume()
      return
    }
    for (const [k, v] of Object.entries(p.originPolicy.corsHeaders(req.headers.origin) ?? {}))
      res.setHeader(k, v)
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end()
      return
    }
    if (p.metrics && isMetricsRequest(req)) {
      serveMetrics(p.metrics, res)
      return
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST')
      refuse(res, 405, RPCErrorCode.invalidRequest, 'use POST')
      return
    }
    if (!isJSONContentType(req.headers['content-type'])) {
      refuse(
        res,
        415,
        RPCErrorCode.invalidRequest,
        `invalid content type ${req.headers['content-type'] === undefined ? '(none)' : `"${req.headers['content-type']}"`}: only ${JSON_CONTENT_TYPES.join(', ')} is accepted`,
      )
      req.resume()
      return
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBody) {
      tooLarge(req, res)
      return
    }
    const chunks: Buffer[] = []
    let received = 0
    let aborted = false
    req.on('data', (chunk: Buffer) => {
      if (aborted) return
      received += chunk.length
      if (received > maxBody) {
        aborted = true
        tooLarge(req, res)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!aborted) answer(res, Buffer.concat(chunks))
    })
    req.on('error', () => undefined)
  }
}
