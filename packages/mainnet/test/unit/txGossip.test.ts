import { TxRejectedError } from '@rollup-mesh/chain'
import { describe, expect, it } from 'vitest'
import { txRefusalVerdict } from '../../src/txGossip.js'

describe('txRefusalVerdict', () => {
  it('rejects what no honest peer sends, ignores what depends on state', () => {
    for (const r of [
      'WRONG_CHAIN_ID',
      'INVALID_SIGNATURE',
      'INVALID_ENCODING',
      'INTRINSIC_GAS_TOO_LOW',
    ] as const)
      expect(txRefusalVerdict(new TxRejectedError(r, r))).toBe('reject')
    for (const r of ['ALREADY_KNOWN', 'NONCE_TOO_LOW', 'INSUFFICIENT_FUNDS', 'POOL_FULL'] as const)
      expect(txRefusalVerdict(new TxRejectedError(r, r))).toBe('ignore')
    expect(txRefusalVerdict(new Error('anything else'))).toBe('ignore')
  })
})
