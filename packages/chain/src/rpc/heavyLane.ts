import { RPCError, RPCErrorCode } from '../errors.js'
import type { JSONRPCResponse } from './dispatch.js'
import type { JSONShape } from './jsonShape.js'
import type { RPCLimits } from './limits.js'

/** How the RPC server bounds what large requests take from the others (`RPCLimits`, chain README "RPC limits"). */
export type HeavyLaneOptions = {
  /**
   * The share of wall time failing large requests may take while small ones are flowing (0 < share ≤ 1):
   * after a large request that took `t` ms and whose answers were errors in the fraction `f` (1 for a body
   * that is not JSON, the errors' share of a batch's answers), the next one waits `t × f × (1 / share − 1)` ms.
   */
  share: number
  /** While small requests flow, a large request whose expected wait is longer than this is refused at once. */
  maxWaitMs: number
  /** Most large requests waiting at once (each may hold a received message); beyond it, refused. */
  maxWaiting: number
  /** Small requests count as flowing when one arrived within this many ms. */
  busyWindowMs: number
  /** The clock (ms); `performance.now` by default. */
  now?: () => number
}

/** Lets large requests run, and while small ones are flowing, failing ones for at most a share of the time. */
export type HeavyLane = {
  /** A small request arrived: the lane is contended for the next `busyWindowMs`. */
  noteLight(): void
  /**
   * Admits a large request: resolves with `release` when its turn comes; undefined when the lane is full
   * (answer with `laneBusyError`). Call `release` once the answer is sent, with the fraction of its answers
   * that were errors (default 1: a turn that ends without answers, a parse error).
   */
  enter(): Promise<Release> | undefined
  /** Requests waiting for their turn (for tests and metrics). */
  readonly waiting: number
}

/** Ends a turn in the lane; `errorShare` (0–1): how much of the answer was errors. */
export type Release = (errorShare?: number) => void

/** The first estimate of a large request's wall time, before any has run. */
const FIRST_ESTIMATE_MS = 20

/**
 * The large-request lane of the RPC server. Small requests (transactions, calls, polls) run as they arrive,
 * and so do large ones (a body or message of `heavyRequestBytes`, a batch of `heavyBatchLength`) until
 * failing large requests have used their share: each finished large request is charged for its errors
 * (`t × f × (1 / share − 1)` ms of rest after one that took `t` ms with errors in the fraction `f`), and while
 * small requests keep arriving, large ones that come during the rest wait for it to end and then, while the
 * last to finish was mostly errors, run one at a time, each charged before the next starts. So a flood of huge invalid batches takes at most `share` of the wall time
 * from the others, while a bulk sender's batches of accepted transactions (no errors, no rest) keep their
 * speed, side by side. With no small traffic nothing rests. A large request that would wait over
 * `maxWaitMs` (or with `maxWaiting` waiting) is refused at once (`laneBusyError`: HTTP 429 / JSON-RPC
 * -32005), so no answer waits long and nothing queues without bound.
 *
 * @example
 * ```ts
 * const lane = createHeavyLane({ share: 0.25, maxWaitMs: 1_000, maxWaiting: 16, busyWindowMs: 250 })
 * const turn = lane.enter()
 * if (turn) {
 *   const release = await turn
 *   // … parse, dispatch and answer the large request: 3 of its 10 answers were errors …
 *   release(0.3)
 * }
 * ```
 */
export function createHeavyLane(o: HeavyLaneOptions): HeavyLane {
  const now = o.now ?? (() => performance.now())
  const restFactor = 1 / Math.min(1, Math.max(o.share, 0.01)) - 1
  const queue: ((release: Release) => void)[] = []
  let running = 0
  let lastLight = Number.NEGATIVE_INFINITY
  let restUntil = 0
  /** Whether the last large request to finish was mostly errors: then they run one at a time. */
  let failing = false
  /** What a waiting request is expected to cost the ones behind it: its run and its rest (ms). */
  let turnEstimate = FIRST_ESTIMATE_MS * (1 + restFactor)
  let timer: ReturnType<typeof setTimeout> | undefined
  const contended = (): boolean => now() - lastLight < o.busyWindowMs
  /** Whether large requests must wait now: small ones flow and failing large ones used their share. */
  const resting = (): boolean => contended() && now() < restUntil

  const admit = (turn: (release: Release) => void): void => {
    running++
    const started = now()
    let released = false
    turn((errorShare = 1) => {
      if (released) return
      released = true
      running--
      const took = now() - started
      const rest = took * restFactor * Math.min(1, Math.max(0, errorShare))
      turnEstimate = turnEstimate * 0.8 + (took + rest) * 0.2
      restUntil = Math.max(restUntil, now()) + rest
      failing = errorShare > 0.5
      pump()
    })
  }

  /** Lets the first waiting request run once the rest is over and no charged turn is still running. */
  const pump = (): void => {
    if (timer || queue.length === 0 || running > 0) return
    if (resting()) {
      // until the share allows, or until small requests have stopped flowing, whichever comes first
      const t = now()
      const wait = Math.min(restUntil - t, lastLight + o.busyWindowMs - t)
      timer = setTimeout(
        () => {
          timer = undefined
          pump()
        },
        Math.max(1, Math.ceil(wait)),
      )
      timer.unref?.()
      return
    }
    admit(queue.shift() as (release: Release) => void)
  }

  return {
    noteLight() {
      lastLight = now()
    },
    enter() {
      // no rest owed (or no small traffic) and nobody waiting: runs at once, beside any others, unless
      // the last one failed (then one at a time, so that each is charged before the next starts)
      if (queue.length === 0 && !resting() && !(failing && running > 0 && contended()))
        return new Promise<Release>((resolve) => admit(resolve))
      if (queue.length >= o.maxWaiting) return undefined
      if (contended()) {
        const expectedWait =
          Math.max(0, restUntil - now()) + (queue.length + (running > 0 ? 1 : 0)) * turnEstimate
        if (expectedWait > o.maxWaitMs) return undefined
      }
      const turn = new Promise<Release>((resolve) => queue.push(resolve))
      pump()
      return turn
    },
    get waiting() {
      return queue.length
    },
  }
}

/** The answer to a large request the lane has no room for (HTTP 429 with it as the body; -32005 as geth's limits). */
export function laneBusyError(o: Pick<HeavyLaneOptions, 'maxWaitMs'>): RPCError {
  return new RPCError(
    RPCErrorCode.limitExceeded,
    `server busy: large requests (big bodies, long batches) are queued and this one would wait over ${o.maxWaitMs} ms; retry later or send smaller requests`,
    { code: 'RPC_LARGE_REQUEST_BUSY' },
  )
}

/**
 * Whether a request goes through the lane: `byteLength` (an HTTP body or WebSocket message) of
 * `heavyRequestBytes` or more, or a batch (`scanJSONShape`'s count) of `heavyBatchLength` or more.
 *
 * @example
 * ```ts
 * isLargeRequest(300 * 1024, { requests: 1 }, defaultRPCLimits) // true
 * isLargeRequest(2_000, { requests: 150 }, defaultRPCLimits) // true
 * isLargeRequest(2_000, { requests: 1 }, defaultRPCLimits) // false
 * ```
 */
export function isLargeRequest(
  byteLength: number,
  shape: JSONShape,
  limits: Pick<RPCLimits, 'heavyRequestBytes' | 'heavyBatchLength'>,
): boolean {
  return (
    byteLength >= limits.heavyRequestBytes ||
    ('requests' in shape && shape.requests >= limits.heavyBatchLength)
  )
}

/**
 * The fraction of an answer that is errors: a response's (0 or 1), a batch's share of error responses;
 * 0 for no answer (notifications only).
 *
 * @example
 * ```ts
 * errorShareOf([{ jsonrpc: '2.0', id: 1, result: '0x1' }, { jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'x' } }]) // 0.5
 * ```
 */
export function errorShareOf(out: JSONRPCResponse | JSONRPCResponse[] | undefined): number {
  if (out === undefined) return 0
  if (!Array.isArray(out)) return 'error' in out ? 1 : 0
  let errors = 0
  for (const r of out) if ('error' in r) errors++
  return out.length ? errors / out.length : 0
}
