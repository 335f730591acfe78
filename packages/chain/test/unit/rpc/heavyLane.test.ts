import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createHeavyLane,
  errorShareOf,
  type HeavyLane,
  isLargeRequest,
  laneBusyError,
  type Release,
} from '../../../src/rpc/heavyLane.js'
import { defaultRPCLimits } from '../../../src/rpc/limits.js'

// The lane on a fake clock: turns, rests and refusals are exact.
const options = { share: 0.25, maxWaitMs: 1_000, maxWaiting: 3, busyWindowMs: 250, now: () => Date.now() }

/** Enters the lane and records when (fake ms) the turn came. */
function enterAt(lane: HeavyLane, started: number[]): Promise<Release> {
  const turn = lane.enter()
  if (!turn) throw new Error('refused')
  return turn.then((release) => {
    started.push(Date.now())
    return release
  })
}

describe('createHeavyLane', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs one large request at a time, back to back while no small requests flow', async () => {
    const lane = createHeavyLane(options)
    const started: number[] = []
    const first = enterAt(lane, started)
    const second = enterAt(lane, started)
    const releaseFirst = await first
    expect(started).toEqual([0])
    expect(lane.waiting).toBe(1)
    await vi.advanceTimersByTimeAsync(400) // the first takes 400 ms
    releaseFirst()
    releaseFirst() // a second release changes nothing
    ;(await second)()
    expect(started).toEqual([0, 400])
    expect(lane.waiting).toBe(0)
  })

  it('while small requests flow, rests after each large one so that they take at most `share` of the time', async () => {
    const lane = createHeavyLane(options)
    const started: number[] = []
    lane.noteLight()
    const first = enterAt(lane, started)
    const second = enterAt(lane, started)
    const releaseFirst = await first
    await vi.advanceTimersByTimeAsync(100)
    lane.noteLight()
    releaseFirst() // took 100 ms: the next waits 100 × (1 / 0.25 − 1) = 300 ms
    await vi.advanceTimersByTimeAsync(200)
    lane.noteLight()
    await vi.advanceTimersByTimeAsync(99)
    expect(started).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    const releaseSecond = await second
    expect(started).toEqual([0, 400])
    lane.noteLight() // the last small request (400)
    await vi.advanceTimersByTimeAsync(100)
    releaseSecond() // took 100 ms again: a rest until 800, but the small requests stop flowing at 650
    const third = enterAt(lane, started)
    await vi.advanceTimersByTimeAsync(149)
    expect(started).toEqual([0, 400])
    await vi.advanceTimersByTimeAsync(1)
    ;(await third)()
    expect(started).toEqual([0, 400, 650])
  })

  it('charges a turn for its errors only: accepted work does not slow the next', async () => {
    const lane = createHeavyLane(options)
    const started: number[] = []
    lane.noteLight()
    const first = enterAt(lane, started)
    const second = enterAt(lane, started)
    const third = enterAt(lane, started)
    const releaseFirst = await first
    await vi.advanceTimersByTimeAsync(100)
    lane.noteLight()
    releaseFirst(0) // every answer a result (a batch of accepted transactions): no rest
    const releaseSecond = await second
    expect(started).toEqual([0, 100])
    await vi.advanceTimersByTimeAsync(100)
    lane.noteLight()
    releaseSecond(0.5) // half errors: 100 × 0.5 × 3 = 150 ms of rest
    await vi.advanceTimersByTimeAsync(149)
    expect(started).toEqual([0, 100])
    await vi.advanceTimersByTimeAsync(1)
    ;(await third)()
    expect(started).toEqual([0, 100, 350])
  })

  it('measures the errors of an answer', () => {
    const ok = { jsonrpc: '2.0', id: 1, result: '0x1' } as const
    const bad = { jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'x' } } as const
    expect(errorShareOf(undefined)).toBe(0)
    expect(errorShareOf(ok)).toBe(0)
    expect(errorShareOf(bad)).toBe(1)
    expect(errorShareOf([ok, bad, bad, ok])).toBe(0.5)
  })

  it('refuses a large request that would wait over maxWaitMs while small ones flow, or past maxWaiting', async () => {
    const lane = createHeavyLane(options)
    const release = await lane.enter()
    expect(release).toBeTypeOf('function')
    lane.noteLight()
    // first estimate 20 ms a request: a turn costs 20 × 4 = 80 ms while contended, so the 13th in line
    // would wait 1,040 ms
    const turns = Array.from({ length: 3 }, () => lane.enter())
    expect(turns.every((t) => t instanceof Promise)).toBe(true)
    expect(lane.enter()).toBeUndefined() // maxWaiting (3) are waiting
    const wide = createHeavyLane({ ...options, maxWaiting: 100 })
    await wide.enter()
    wide.noteLight()
    const admitted = Array.from({ length: 20 }, () => wide.enter()).filter(Boolean).length
    expect(admitted).toBe(12) // 12 ahead × 80 ms = 960 ≤ 1,000; 13 × 80 = 1,040 > 1,000
    ;(release as () => void)()
    // without small requests flowing, only maxWaiting bounds the queue (a client's own concurrent batches)
    const quiet = createHeavyLane({ ...options, maxWaiting: 100 })
    await quiet.enter()
    expect(Array.from({ length: 20 }, () => quiet.enter()).filter(Boolean)).toHaveLength(20)
  })

  it('takes requests of 256 KiB and batches of 100 by default', () => {
    expect(isLargeRequest(256 * 1024, { requests: 1 }, defaultRPCLimits)).toBe(true)
    expect(isLargeRequest(256 * 1024 - 1, { requests: 99 }, defaultRPCLimits)).toBe(false)
    expect(isLargeRequest(2_000, { requests: 100 }, defaultRPCLimits)).toBe(true)
    expect(isLargeRequest(2_000, { tooDeep: true }, defaultRPCLimits)).toBe(false)
  })

  it('answers a refusal as -32005 with what to do', () => {
    const err = laneBusyError({ maxWaitMs: 1_000 })
    expect(err.rpcCode).toBe(-32005)
    expect(err.code).toBe('RPC_LARGE_REQUEST_BUSY')
    expect(err.message).toMatch(/server busy: .*wait over 1000 ms; retry later/)
  })
})
