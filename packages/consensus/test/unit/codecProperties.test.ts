import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCommitCertificate, encodeCommitCertificate } from '../../src/certificate.js'
import { InvalidCertificateError, InvalidConsensusMessageError } from '../../src/errors.js'
import { decodeConsensusMessage, encodeProposal, encodeVote } from '../../src/messageCodec.js'

const hash = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => `0x${Buffer.from(b).toString('hex')}` as const)
const sig = fc.uint8Array({ minLength: 96, maxLength: 96 })
const u53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 })

describe('codec properties', () => {
  it('votes round-trip', () => {
    fc.assert(
      fc.property(
        u53,
        u53,
        u32,
        fc.integer({ min: 0, max: 65_535 }),
        fc.option(hash),
        fc.boolean(),
        sig,
        (chainId, height, round, validator, value, pre, signature) => {
          const vote = {
            type: pre ? ('prevote' as const) : ('precommit' as const),
            height,
            round,
            validator,
            value,
            signature,
          }
          expect(decodeConsensusMessage(encodeVote(vote, chainId))).toEqual({ kind: 'vote', chainId, vote })
        },
      ),
    )
  })

  it('proposals round-trip', () => {
    fc.assert(
      fc.property(
        u53,
        u53,
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 65_535 }),
        hash,
        sig,
        (chainId, height, round, proposer, value, signature) => {
          const proposal = { height, round, validRound: round - 1, proposer, value, signature }
          expect(decodeConsensusMessage(encodeProposal(proposal, chainId))).toEqual({
            kind: 'proposal',
            chainId,
            proposal,
          })
        },
      ),
    )
  })

  it('certificates round-trip', () => {
    fc.assert(
      fc.property(
        u53,
        u53,
        u32,
        hash,
        hash,
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        sig,
        (chainId, height, round, blockHash, validatorsHash, signers, signature) => {
          const cert = { chainId, height, round, blockHash, validatorsHash, signers, signature }
          expect(decodeCommitCertificate(encodeCommitCertificate(cert))).toEqual(cert)
        },
      ),
    )
  })

  it('arbitrary bytes either decode or are refused with a coded error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const decode of [decodeConsensusMessage, decodeCommitCertificate]) {
          try {
            decode(bytes)
          } catch (err) {
            expect(
              err instanceof InvalidConsensusMessageError || err instanceof InvalidCertificateError,
            ).toBe(true)
          }
        }
      }),
    )
  })
})
