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

  it('without small traffic, large requests run at once, side by side, failing or not', async () => {
    const lane = createHeavyLane(options)
    const started: number[] = []
    const turns = [enterAt(lane, started), enterAt(lane, started)]
    const [first, second] = await Promise.all(turns)
    expect(started).toEqual([0, 0])
    await vi.advanceTimersByTimeAsync(400)
    ;(first as Release)() // all errors, 400 ms: a rest is owed, but nothing small is flowing
    ;(second as Release)()
    ;(await enterAt(lane, started))()
    expect(started).toEqual([0, 0, 400])
    expect(lane.waiting).toBe(0)
  })

  it('while small requests flow, a failing one makes the next wait its rest, then they run one at a time', async () => {
    const lane = createHeavyLane(options)
    const started: number[] = []
    lane.noteLight()
    const releaseFirst = await enterAt(lane, started)
    await vi.advanceTimersByTimeAsync(100)
    lane.noteLight()
    releaseFirst() // took 100 ms, all errors: the next waits 100 × (1 / 0.25 − 1) = 300 ms
    releaseFirst() // a second release changes nothing
    const second = enterAt(lane, started)
    const third = enterAt(lane, started)
    expect(lane.waiting).toBe(2)
    await vi.advanceTimersByTimeAsync(200)
    lane.noteLight()
    await vi.advanceTimersByTimeAsync(99)
    expect(started).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    const releaseSecond = await second
    expect(started).toEqual([0, 400]) // the third waits for the second's charge
    lane.noteLight()
    await vi.advanceTimersByTimeAsync(50)
    releaseSecond() // took 50 ms: a rest until 600 (the small requests flow until 650)
    await vi.advanceTimersByTimeAsync(149)
    expect(started).toEqual([0, 400])
    await vi.advanceTimersByTimeAsync(1)
    const releaseThird = await third
    expect(started).toEqual([0, 400, 600])
    await vi.advanceTimersByTimeAsync(20)
    releaseThird() // took 20: a rest until 680, but the last small request was at 400: it ends at 650
    const fourth = enterAt(lane, started)
    await vi.advanceTimersByTimeAsync(29)
    expect(started).toEqual([0, 400, 600])
    await vi.advanceTimersByTimeAsync(1)
    ;(await fourth)()
    expect(started).toEqual([0, 400, 600, 650])
  })

  it('while the last one to finish failed, large requests run one at a time; after a clean one, side by side', async () => {
    const lane = createHeavyLane(options)
    const started: number[] = []
    lane.noteLight()
    ;(await enterAt(lane, started))() // failed at once: no time, so no rest, but failing
    const releaseB = await enterAt(lane, started)
    const c = enterAt(lane, started)
    await vi.advanceTimersByTimeAsync(0)
    expect(lane.waiting).toBe(1) // waits for B, running
    await vi.advanceTimersByTimeAsync(10)
    releaseB(0) // clean
    const releaseC = await c
    const releaseD = await enterAt(lane, started) // beside C
    expect(started).toEqual([0, 0, 10, 10])
    releaseC(0)
    releaseD(0)
  })

  it('charges a turn for its errors only: accepted work does not slow the next', async () => {
    const lane = createHeavyLane(options)
    const started: number[] = []
    lane.noteLight()
    const releaseFirst = await enterAt(lane, started)
    await vi.advanceTimersByTimeAsync(100)
    lane.noteLight()
    releaseFirst(0) // every answer a result (a batch of accepted transactions): no rest
    const releaseSecond = await enterAt(lane, started)
    expect(started).toEqual([0, 100])
    await vi.advanceTimersByTimeAsync(100)
    lane.noteLight()
    releaseSecond(0.5) // half errors: 100 × 0.5 × 3 = 150 ms of rest
    const third = enterAt(lane, started)
    await vi.advanceTimersByTimeAsync(149)
    expect(started).toEqual([0, 100])
    await vi.advanceTimersByTimeAsync(1)
    ;(await third)()
    expect(started).toEqual([0, 100, 350])
  })

  it('while small requests flow, refuses a large request that would wait over maxWaitMs, or past maxWaiting', async () => {
    const rest = async (lane: HeavyLane) => {
      lane.noteLight()
      const release = await (lane.enter() as Promise<Release>)
      await vi.advanceTimersByTimeAsync(100)
      lane.noteLight()
      release() // a rest until 400 (now 100); a waiting turn is estimated at 0.8 × 80 + 0.2 × 400 = 144 ms
    }
    const wide = createHeavyLane({ ...options, maxWaiting: 100 })
    await rest(wide)
    // the k-th in line waits 300 + k × 144 ms: k = 0…4 within 1,000 ms, k = 5 (1,020 ms) refused
    const turns = Array.from({ length: 7 }, () => wide.enter())
    expect(turns.map((t) => t !== undefined)).toEqual([true, true, true, true, true, false, false])
    const narrow = createHeavyLane(options)
    await rest(narrow)
    expect(Array.from({ length: 4 }, () => narrow.enter() !== undefined)).toEqual([true, true, true, false])
    // the small requests stopped flowing: nothing rests, nobody is refused for the wait
    const quiet = createHeavyLane({ ...options, maxWaiting: 100 })
    await rest(quiet)
    await vi.advanceTimersByTimeAsync(250)
    expect(Array.from({ length: 20 }, () => quiet.enter()).filter(Boolean)).toHaveLength(20)
  })

  it('measures the errors of an answer', () => {
    const ok = { jsonrpc: '2.0', id: 1, result: '0x1' } as const
    const bad = { jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'x' } } as const
    expect(errorShareOf(undefined)).toBe(0)
    expect(errorShareOf(ok)).toBe(0)
    expect(errorShareOf(bad)).toBe(1)
    expect(errorShareOf([ok, bad, bad, ok])).toBe(0.5)
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
