import { describe, expect, it } from 'vitest'
import { BaseError, InvalidConfigError, InvalidParameterError } from '../../src/index.js'

class InnerError extends BaseError {
  constructor() {
    super('Inner failed.', { code: 'INNER', name: 'InnerError', details: 'disk full' })
  }
}

describe('BaseError', () => {
  it('composes short message, meta messages and details', () => {
    const err = new BaseError('Address "0x12" is invalid.', {
      code: 'ADDRESS_INVALID',
      metaMessages: ['- Address must be 20 bytes.'],
      details: 'length 1',
    })
    expect(err.message).toBe('Address "0x12" is invalid.\n\n- Address must be 20 bytes.\n\nDetails: length 1')
    expect(err.shortMessage).toBe('Address "0x12" is invalid.')
    expect(err.code).toBe('ADDRESS_INVALID')
    expect(err).toBeInstanceOf(Error)
  })

  it('inherits details from its cause and walks the chain', () => {
    const inner = new InnerError()
    const outer = new BaseError('Block commit failed.', { cause: inner, code: 'COMMIT' })
    expect(outer.details).toBe('disk full')
    expect(outer.walk()).toBe(inner)
    expect(outer.walk((e) => e instanceof InnerError)).toBe(inner)
    expect(outer.walk((e) => e instanceof TypeError)).toBeNull()
    expect(outer.cause).toBe(inner)
  })

  it('takes details from a plain Error cause', () => {
    const err = new BaseError('Wrapped.', { cause: new TypeError('boom') })
    expect(err.details).toBe('boom')
    expect(err.code).toBe('UNKNOWN')
  })

  it('serialises as data', () => {
    const json = JSON.parse(JSON.stringify(new InnerError()))
    expect(json).toEqual({
      name: 'InnerError',
      code: 'INNER',
      shortMessage: 'Inner failed.',
      details: 'disk full',
    })
  })

  it('subclasses name the field and the expectation', () => {
    const err = new InvalidParameterError({
      param: 'blockTime',
      expected: 'a positive integer (ms)',
      got: -1,
    })
    expect(err.name).toBe('InvalidParameterError')
    expect(err.message).toContain('Parameter "blockTime" is invalid.')
    expect(err.message).toContain('- Expected a positive integer (ms).')
    expect(err.message).toContain('- Got -1.')
    const cfg = new InvalidConfigError({
      what: 'node config',
      issues: [{ path: 'rpc.port', message: 'too big' }],
    })
    expect(cfg.message).toContain('- rpc.port: too big')
  })
})
