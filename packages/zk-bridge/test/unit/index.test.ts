import { describe, expect, it } from 'vitest'
import { SNARK_SCALAR_FIELD, toField } from '../../src/index.js'

describe('toField', () => {
  it('reduces into the BN254 scalar field', () => {
    expect(toField(SNARK_SCALAR_FIELD + 5n)).toBe(5n)
    expect(toField(2n ** 256n - 1n)).toBeLessThan(SNARK_SCALAR_FIELD)
    expect(toField(-1n)).toBe(SNARK_SCALAR_FIELD - 1n)
  })
})
