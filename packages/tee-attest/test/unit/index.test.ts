import { describe, expect, it } from 'vitest'
import { QUOTE_HEADER_SIZE, SGX_REPORT_BODY_SIZE, TEE_TYPE } from '../../src/index.js'

describe('DCAP layout constants', () => {
  it('match the Intel SGX ECDSA quote library', () => {
    expect(QUOTE_HEADER_SIZE + SGX_REPORT_BODY_SIZE).toBe(432)
    expect(TEE_TYPE.tdx).toBe(0x81)
  })
})
