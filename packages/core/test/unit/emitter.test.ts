import { describe, expect, it } from 'vitest'
import { TypedEmitter } from '../../src/index.js'

describe('TypedEmitter', () => {
  it('calls listeners in order and stops calling one that was removed', () => {
    const seen: string[] = []
    const events = new TypedEmitter<{ tick: number }>({ onListenerError: () => {} })
    events.on('tick', (n) => seen.push(`a${n}`))
    const off = events.on('tick', (n) => seen.push(`b${n}`))
    events.emit('tick', 1)
    off()
    events.emit('tick', 2)
    expect(seen).toEqual(['a1', 'b1', 'a2'])
    expect(events.listenerCount('tick')).toBe(1)
  })

  it('a throwing listener reaches onListenerError, not the emitter, and the others still run', () => {
    const errors: Array<[unknown, string]> = []
    const seen: number[] = []
    const events = new TypedEmitter<{ tick: number }>({
      onListenerError: (err, event) => errors.push([err, event]),
    })
    const boom = new RangeError('listener failed')
    events.on('tick', () => {
      throw boom
    })
    events.on('tick', (n) => seen.push(n))
    expect(() => events.emit('tick', 7)).not.toThrow()
    expect(seen).toEqual([7])
    expect(errors).toEqual([[boom, 'tick']])
  })
})
