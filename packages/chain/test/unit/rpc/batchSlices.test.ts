import { createSilentLogger } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { BATCH_SLICE, dispatchRPC } from '../../../src/rpc/dispatch.js'

describe('dispatchRPC starts a long batch in slices, one event-loop turn apart', () => {
  it('a callback queued on the event loop runs after the first slice, before the rest; answers stay in order', async () => {
    const events: string[] = []
    const methods = {
      echo: (params: readonly unknown[]) => {
        events.push(`call ${params[0]}`)
        return params[0]
      },
    }
    const n = BATCH_SLICE * 3 + 5
    const batch = Array.from({ length: n }, (_, i) => ({
      jsonrpc: '2.0',
      id: i,
      method: 'echo',
      params: [i],
    }))
    setImmediate(() => events.push('other client'))
    const out = (await dispatchRPC(
      batch,
      methods,
      {},
      { maxBatchSize: 2_000, log: createSilentLogger() },
    )) as {
      id: number
      result: number
    }[]
    expect(out.map((r) => r.id)).toEqual(batch.map((r) => r.id))
    expect(out.map((r) => r.result)).toEqual(batch.map((r) => r.id))
    // without slices every call runs before the callback gets its turn
    expect(events.indexOf('other client')).toBe(BATCH_SLICE)
    expect(events.filter((e) => e.startsWith('call'))).toHaveLength(n)
  })

  it('a batch within one slice runs in one turn, as before', async () => {
    const events: string[] = []
    const methods = { echo: (params: readonly unknown[]) => events.push(`call ${params[0]}`) }
    const batch = Array.from({ length: BATCH_SLICE }, (_, i) => ({
      jsonrpc: '2.0',
      id: i,
      method: 'echo',
      params: [i],
    }))
    setImmediate(() => events.push('other client'))
    await dispatchRPC(batch, methods, {}, { maxBatchSize: 2_000, log: createSilentLogger() })
    expect(events.indexOf('other client')).toBe(-1)
  })
})
