import { InvalidParameterError } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { topicName } from '../../src/index.js'

describe('topicName', () => {
  it('builds versioned topics', () => {
    expect(topicName('spn1', 'headers')).toBe('/rollup-mesh/1/spn1/headers')
  })
  it('rejects names that would break the topic path', () => {
    expect(() => topicName('spn/1', 'txs')).toThrow(InvalidParameterError)
    expect(() => topicName('', 'txs')).toThrow(/network/)
  })
})
