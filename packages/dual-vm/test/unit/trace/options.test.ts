import { describe, expect, it } from 'vitest'
import { DualVmEVM } from '../../../src/evm/dualEvm.js'
import { JournaledState } from '../../../src/state/journal.js'
import { createMemoryState } from '../../../src/state/memory.js'
import { attachTraceHooks } from '../../../src/trace/hooks.js'
import { parseTraceOptions } from '../../../src/trace/options.js'

describe('parseTraceOptions', () => {
  it('defaults to the struct logger, with its options at the top level or in tracerConfig', () => {
    expect(parseTraceOptions(undefined)).toEqual({ tracer: 'structLogger', config: {} })
    expect(parseTraceOptions({ enableMemory: true, tracerConfig: { disableStack: true } })).toEqual({
      tracer: 'structLogger',
      config: { enableMemory: true, disableStack: true },
    })
    expect(parseTraceOptions({ tracer: 'prestateTracer', tracerConfig: { diffMode: true } })).toEqual({
      tracer: 'prestateTracer',
      config: { diffMode: true },
    })
  })

  it('refuses unknown and JavaScript tracers, naming the supported ones', () => {
    expect(() => parseTraceOptions({ tracer: '4byteTracer' })).toThrow(
      /Tracer "4byteTracer" is not supported[\s\S]*callTracer, prestateTracer/,
    )
    expect(() => parseTraceOptions({ tracer: '{ step: function () {}, result: function () {} }' })).toThrow(
      /JavaScript tracers are not supported/,
    )
  })

  it('names a badly typed option', () => {
    expect(() => parseTraceOptions({ tracer: 'callTracer', tracerConfig: { onlyTopCall: 'yes' } })).toThrow(
      /"tracerConfig.onlyTopCall" must be a boolean, got "yes"/,
    )
    expect(() => parseTraceOptions({ limit: -1 })).toThrow(/"limit" must be a non-negative integer/)
    expect(() => parseTraceOptions({ tracer: 7 })).toThrow(/"tracer" must be a string/)
    expect(() => parseTraceOptions([])).toThrow(/"options" must be an object/)
    expect(() => parseTraceOptions({ stateOverrides: {} })).toThrow(/"stateOverrides" must be absent/)
  })
})

describe('attachTraceHooks', () => {
  it('adds listeners to one EVM only for the traced run and removes them after', () => {
    const evm = new DualVmEVM({ chainId: 1n, state: new JournaledState(createMemoryState({})) })
    const other = new DualVmEVM({ chainId: 1n, state: new JournaledState(createMemoryState({})) })
    const original = evm.runWasmTransaction
    const detach = attachTraceHooks(evm, { step: () => {}, enter: () => {}, exit: () => {} })
    expect(evm.events.listenerCount('step')).toBe(1)
    expect(evm.events.listenerCount('beforeMessage')).toBe(1)
    expect(other.events.listenerCount('step')).toBe(0)
    expect(evm.runWasmTransaction).not.toBe(original)
    detach()
    for (const event of ['step', 'beforeMessage', 'afterMessage'] as const)
      expect(evm.events.listenerCount(event)).toBe(0)
    expect(evm.runWasmTransaction).toBe(original)
  })
})
