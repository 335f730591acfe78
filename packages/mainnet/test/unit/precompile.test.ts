import {
  createSimulatedEnclave,
  decodeQuote,
  decodeQuoteVerifierOutput,
  quoteVerifierGas,
} from '@rollup-mesh/tee-attest'
import { hexToBytes, keccak256, toHex } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { createQuoteVerifierPrecompile, encodeMainnetQuoteVerifierInput } from '../../src/index.js'
import { tempDir } from '../fixtures.js'

const M1 = keccak256(toHex('measurement 1'))
const M2 = keccak256(toHex('measurement 2'))
const reportData = new Uint8Array(64).fill(7)

describe('quote-verifier precompile (0x…0a01)', () => {
  const run = createQuoteVerifierPrecompile()
  const now = BigInt(Math.floor(Date.now() / 1000))
  let quote: Uint8Array
  let quoteV4: Uint8Array
  let root: Uint8Array

  beforeAll(async () => {
    const dataDir = tempDir('mainnet-precompile-')
    const enclave = await createSimulatedEnclave({ dataDir, measurement: M2 })
    quote = enclave.quote(reportData)
    root = enclave.rootCertificateDer
    const v4 = await createSimulatedEnclave({ dataDir, measurement: M2, quoteVersion: 4 })
    quoteV4 = v4.quote(reportData)
  })

  const call = (
    measurements: readonly `0x${string}`[],
    roots: Uint8Array[],
    data = reportData,
    q = quote,
  ) => {
    const input = hexToBytes(
      encodeMainnetQuoteVerifierInput({ quote: q, measurements, reportData: data, simulatedRoots: roots }),
    )
    const result = run(input, { gasLimit: 10_000_000n, timestamp: now })
    expect(result.gasUsed).toBe(quoteVerifierGas(input.length))
    return decodeQuoteVerifierOutput(result.returnData)
  }

  it('accepts a simulated quote whose measurement is any of the registered ones, with its dev root', () => {
    const out = call([M1, M2], [root])
    expect(out.status).toBe('ok-simulated')
    expect(out.simulated).toBe(true)
    expect(toHex(out.measurement)).toBe(M2)
  })

  it('refuses a simulated quote without registered dev roots, another measurement, other report data', () => {
    expect(call([M2], []).status).toBe('simulated-not-allowed')
    expect(call([M1], [root]).status).toBe('measurement-not-allowed')
    expect(call([M2], [root], new Uint8Array(64)).status).toBe('report-data-mismatch')
  })

  it('accepts v5 quotes (the simulated default) and v4 quotes with the same measurement check', () => {
    expect(decodeQuote(quote).header.version).toBe(5)
    expect(decodeQuote(quoteV4).header.version).toBe(4)
    expect(call([M1, M2], [root], reportData, quoteV4).status).toBe('ok-simulated')
    expect(call([M1], [root], reportData, quoteV4).status).toBe('measurement-not-allowed')
    // a v5 body descriptor that does not fit: unknown body type, wrong body size
    const badType = quote.slice()
    badType[48] = 9
    expect(call([M2], [root], reportData, badType).status).toBe('unsupported-quote')
    const badSize = quote.slice()
    badSize[50]! ^= 1
    expect(call([M2], [root], reportData, badSize).status).toBe('malformed')
  })

  it('answers 255 for input that does not decode and runs out of gas below its price', () => {
    const bad = run(new Uint8Array([1, 2, 3]), { gasLimit: 1_000_000n, timestamp: now })
    expect(decodeQuoteVerifierOutput(bad.returnData).status).toBe('bad-input')
    expect(run(new Uint8Array(64), { gasLimit: 100n, timestamp: now }).outOfGas).toBe(true)
  })
})
