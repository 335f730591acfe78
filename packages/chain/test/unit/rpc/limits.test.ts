import { describe, expect, it } from 'vitest'
import { RPCError } from '../../../src/errors.js'
import {
  ConnectionCounter,
  clampMessage,
  limitSubscriptions,
  nestedDeeperThan,
} from '../../../src/rpc/limits.js'
import type { RPCConnection } from '../../../src/rpc/server.js'

const conn = (id: number): RPCConnection & { close(): void } => {
  const closers: (() => void)[] = []
  return {
    id,
    notify() {},
    onClose: (fn) => closers.push(fn),
    close: () => {
      for (const f of closers) f()
    },
  }
}

describe('RPC limits', () => {
  it('measures nesting without recursion, a 200,000-deep payload included', () => {
    expect(nestedDeeperThan(JSON.parse('[[[1]]]'), 2)).toBe(true)
    expect(nestedDeeperThan(JSON.parse('[[[1]]]'), 3)).toBe(false)
    expect(nestedDeeperThan({ jsonrpc: '2.0', params: [{ a: [1] }] }, 4)).toBe(false)
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)
    expect(nestedDeeperThan(deep, 64)).toBe(true)
  })

  it('counts WebSocket connections per address', () => {
    const c = new ConnectionCounter(2)
    expect([c.acquire('a'), c.acquire('a'), c.acquire('a'), c.acquire('b')]).toEqual([
      true,
      true,
      false,
      true,
    ])
    c.release('a')
    expect(c.acquire('a')).toBe(true)
  })

  it('caps subscriptions per connection (a batch included) and cancels only its own', async () => {
    let n = 0
    const live = new Set<string>()
    const methods = limitSubscriptions(
      {
        eth_subscribe: () => {
          const id = `0x${(++n).toString(16)}`
          live.add(id)
          return id
        },
        eth_unsubscribe: (p) => live.delete(p[0] as string),
      },
      3,
    )
    const a = conn(1)
    const b = conn(2)
    // as a batch dispatches them: all started before any answer is awaited
    const results = await Promise.allSettled(
      Array.from(
        { length: 5 },
        () => new Promise((resolve) => resolve(methods.eth_subscribe?.(['newHeads'], { connection: a }))),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(RPCError)
    expect((refused.reason as RPCError).rpcCode).toBe(-32005)
    expect(await methods.eth_unsubscribe?.(['0x1'], { connection: b })).toBe(false)
    expect(live.has('0x1')).toBe(true)
    expect(await methods.eth_unsubscribe?.(['0x1'], { connection: a })).toBe(true)
    a.close()
    expect(await methods.eth_subscribe?.(['newHeads'], { connection: a })).toBe('0x4')
  })

  it('cuts long error messages', () => {
    expect(clampMessage('abc', 5)).toBe('abc')
    expect(clampMessage('x'.repeat(10), 4)).toBe('xxxx… (6 more characters)')
  })
})
