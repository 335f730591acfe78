import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '@rollup-mesh/core'
import { RPCErrorCode } from '../errors.js'
import type { NodeMetrics } from '../metrics/nodeMetrics.js'
import { isMetricsRequest, serveMetrics } from '../metrics/serveMetrics.js'
import { batchTooLarge, type DispatchOptions, dispatchRPC, errorResponse } from './dispatch.js'
import { errorShareOf, type HeavyLane, isLargeRequest, laneBusyError, type Release } from './heavyLane.js'
import type { RPCIngress } from './ingress.js'
import { type ParsedBody, parseRequestBody } from './ingressParse.js'
import { isJSONContentType, JSON_CONTENT_TYPES } from './jsonContentType.js'
import { scanJSONShape, shapeRefusal } from './jsonShape.js'
import { type RPCLimits, tooDeepError } from './limits.js'
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
  /** Nesting depth and what makes a request large (`heavyRequestBytes`, `heavyBatchLength`, `heavyMaxWaitMs`). */
  limits: Pick<
    RPCLimits,
    'maxDepth' | 'heavyRequestBytes' | 'heavyBatchLength' | 'heavyMaxWaitMs' | 'heavyReadTimeoutMs'
  >
  /** Where large requests wait their turn (`createHeavyLane`), shared with the WebSocket side. */
  lane: HeavyLane
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
 * depth (on the ingress thread for a body with transactions: `createSendIngress`), then `dispatchRPC`; the
 * answer's chunks come from `responseChunks` (a read worker's block bytes written as they are). A large
 * request (a `Content-Length` of `heavyRequestBytes` or more: before its body is read; a long batch: once
 * read) waits its turn in the large-request lane (`heavyLane.ts`), or is refused with 429 when it is full;
 * once admitted, its body must arrive within `heavyReadTimeoutMs` (408 otherwise).
 *
 * @example
 * ```ts
 * const lane = createHeavyLane({ share: 0.25, maxWaitMs: 1_000, maxWaiting: 16, busyWindowMs: 250 })
 * const server = createServer(createHTTPHandler({ methods, dispatch: { maxBatchSize: 2_000, log }, forbidden, originPolicy, maxBody: 1 << 24, limits: defaultRPCLimits, lane, log }))
 * ```
 */
export function createHTTPHandler(p: HTTPHandlerParts): (req: IncomingMessage, res: ServerResponse) => void {
  const { log, maxBody, lane, limits } = p
  const { maxDepth } = limits
  /** 413, and the connection closed without reading the rest of the body. */
  const tooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('connection', 'close')
    refuse(res, 413, RPCErrorCode.invalidRequest, `request body too large: limit ${maxBody} bytes`)
    req.destroy()
  }
  const busy = (): unknown => errorResponse(null, laneBusyError({ maxWaitMs: limits.heavyMaxWaitMs }), log)
  /** Answers a parsed body; `done` gets the share of the answer that was errors (the lane's charge). */
  const respond = (res: ServerResponse, parsed: ParsedBody, done: Release): void => {
    if ('parseError' in parsed) {
      refuse(res, 200, RPCErrorCode.parse, 'parse error: invalid JSON')
      done(1)
      return
    }
    if ('tooDeep' in parsed) {
      send(res, 200, errorResponse(null, tooDeepError(maxDepth), log))
      done(1)
      return
    }
    const { payload } = parsed
    p.metrics?.countRequests(payload, p.methods)
    dispatchRPC(payload, p.methods, {}, p.dispatch).then(
      (out) => {
        try {
          if (out === undefined) res.writeHead(204).end()
          else sendChunks(res, 200, responseChunks(out))
        } finally {
          done(errorShareOf(out)) // whatever the write did, the turn ends
        }
      },
      (err: unknown) => {
        send(res, 500, errorResponse(null, err, log))
        done(1)
      },
    )
  }
  /** Parses (here or on the ingress thread) and answers `body`; `release` ends its turn in the lane. */
  const run = (res: ServerResponse, body: Buffer, release: Release): void => {
    // A transaction-carrying body is parsed and decoded off this thread (`createSendIngress`).
    const taken = p.ingress?.take(body, { maxDepth, maxBatchSize: p.dispatch.maxBatchSize })
    if (taken)
      taken.then(
        (parsed) =>
          respond(res, parsed, (errorShare) => {
            parsed.done()
            release(errorShare)
          }),
        (err: unknown) => {
          send(res, 500, errorResponse(null, err, log))
          release(1)
        },
      )
    else respond(res, parseRequestBody(body, maxDepth), release)
  }
  const answer = (res: ServerResponse, body: Buffer, release: Release | undefined): void => {
    // Over the depth or batch limit: refused from a scan of the bytes, before any parse or decode-thread trip.
    const shape = scanJSONShape(body, { maxDepth, maxBatchSize: p.dispatch.maxBatchSize })
    const over = shapeRefusal(shape)
    if (over) {
      if ('tooDeep' in over) send(res, 200, errorResponse(null, tooDeepError(maxDepth), log))
      else send(res, 200, batchTooLarge(over.batchTooLarge, p.dispatch.maxBatchSize))
      release?.()
      return
    }
    if (release) {
      run(res, body, release)
      return
    }
    if (!isLargeRequest(body.length, shape, limits)) {
      lane.noteLight()
      run(res, body, nothing)
      return
    }
    const turn = lane.enter()
    if (turn) turn.then((r) => run(res, body, r))
    else {
      res.setHeader('retry-after', '1')
      send(res, 429, busy())
    }
  }
  /** Reads the body (within `maxBody`) and answers it; `release`: it already holds a turn in the lane. */
  const receive = (req: IncomingMessage, res: ServerResponse, release: Release | undefined): void => {
    if (req.destroyed) {
      release?.()
      return
    }
    const chunks: Buffer[] = []
    let received = 0
    let finished = false
    // A body in the lane must arrive in time: a client that sends its headers and then trickles (or
    // withholds) the body would otherwise hold every large request's turn.
    const deadline = release
      ? setTimeout(() => {
          if (finished) return
          finished = true
          release()
          res.setHeader('connection', 'close')
          refuse(
            res,
            408,
            RPCErrorCode.invalidRequest,
            `request body not received within ${limits.heavyReadTimeoutMs} ms (large requests must arrive in time)`,
          )
          req.destroy()
        }, limits.heavyReadTimeoutMs)
      : undefined
    const finish = (): boolean => {
      if (finished) return false
      finished = true
      clearTimeout(deadline)
      return true
    }
    req.on('data', (chunk: Buffer) => {
      if (finished) return
      received += chunk.length
      if (received > maxBody) {
        finish()
        release?.()
        tooLarge(req, res)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (finish()) answer(res, Buffer.concat(chunks), release)
    })
    // the client left before its body was complete: its turn ends
    req.on('close', () => {
      if (finish()) release?.()
    })
    req.on('error', () => undefined)
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
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > maxBody) {
      tooLarge(req, res)
      return
    }
    if (declared < limits.heavyRequestBytes) {
      receive(req, res, undefined)
      return
    }
    // A large body waits for its turn unread (the client's bytes stay in its socket meanwhile).
    const turn = lane.enter()
    if (turn) {
      turn.then((release) => receive(req, res, release))
      return
    }
    // refused: answered at once, the body read and dropped, so the client sees the 429 (not a reset) and
    // the connection stays usable
    res.setHeader('retry-after', '1')
    send(res, 429, busy())
    req.resume()
  }
}

const nothing = (): void => undefined
