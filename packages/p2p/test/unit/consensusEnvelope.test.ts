import { createSilentLogger } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import {
  decodeConsensusEnvelope,
  decodeProposalEnvelope,
  encodeConsensusEnvelope,
  encodeHeader,
  encodeProposalEnvelope,
  InvalidMessageError,
  MESSAGE_LIMITS,
  MessageTooLargeError,
  topicName,
} from '../../src/index.js'
import { GossipValidation } from '../../src/validation.js'
import { makeHeader, mallory, producer } from '../helpers.js'

describe('consensus envelopes', () => {
  it('round-trip with their re-broadcast seq; a new seq is new bytes', () => {
    const message = new Uint8Array(152).fill(7)
    const a = encodeConsensusEnvelope({ message, seq: 1n })
    const b = encodeConsensusEnvelope({ message, seq: 2n })
    expect(decodeConsensusEnvelope(a)).toEqual({ message, seq: 1n })
    expect(a).not.toEqual(b)
    const p = {
      proposal: new Uint8Array(155).fill(1),
      header: new Uint8Array(600).fill(2),
      txs: ['0x02aa', '0x02bb'] as const,
      seq: 0n,
    }
    expect(decodeProposalEnvelope(encodeProposalEnvelope({ ...p, txs: [...p.txs] }))).toEqual({
      ...p,
      txs: [...p.txs],
    })
  })

  it('refuses wrong shapes, oversized fields and oversized envelopes', () => {
    expect(() => decodeConsensusEnvelope(new Uint8Array([1, 2, 3]))).toThrow(InvalidMessageError)
    const big = new Uint8Array(MESSAGE_LIMITS.consensus + 1)
    expect(() => decodeConsensusEnvelope(encodeConsensusEnvelope({ message: big, seq: 1n }))).toThrow()
    const huge = new Uint8Array(MESSAGE_LIMITS.proposal + 1)
    expect(() => decodeProposalEnvelope(huge)).toThrow(MessageTooLargeError)
  })
})

describe('gossip validation of the consensus topics', () => {
  it('rejects undecodable envelopes, accepts good ones (the node decides on the content)', async () => {
    const v = new GossipValidation(createSilentLogger())
    const topic = topicName('mainnet', 'consensus')
    expect(await v.validate('peer', topic, new Uint8Array([0xde, 0xad]))).toBe('reject')
    const ok = encodeConsensusEnvelope({ message: new Uint8Array(10), seq: 3n })
    expect(await v.validate('peer', topic, ok)).toBe('accept')
    v.setValidator(topic, () => 'reject')
    expect(
      await v.validate('peer', topic, encodeConsensusEnvelope({ message: new Uint8Array(10), seq: 4n })),
    ).toBe('reject')
  })

  it('accepts headers from any producer of a list, rejects others', async () => {
    const v = new GossipValidation(createSilentLogger())
    v.setProducer('mainnet', [mallory.address, producer.address])
    const topic = topicName('mainnet', 'headers')
    expect(await v.validate('peer', topic, encodeHeader(await makeHeader('mainnet', 3n)))).toBe('accept')
    v.setProducer('mainnet', [mallory.address])
    expect(await v.validate('peer', topic, encodeHeader(await makeHeader('mainnet', 4n)))).toBe('reject')
  })
})
