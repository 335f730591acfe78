import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createDcapQvlBackend,
  createSimulatedEnclave,
  decodeQuote,
  decodeQuoteVerifierOutput,
  encodeQuoteVerifierInput,
  QUOTE_VERIFIER_MAX_INPUT,
  quoteMeasurement,
  quoteVerifierGas,
  reportDataForSettlement,
  runQuoteVerifierPrecompile,
  type SimulatedEnclave,
  statusCode,
} from '../../src/index.js'
import { flip, loadSample, SAMPLE_TIME, withTempDir } from '../helpers.js'

const measurement = new Uint8Array(32).fill(0x22)
const reportData = reportDataForSettlement('0x01')
const now = BigInt(Math.floor(Date.now() / 1000))

describe('quote-verifier precompile', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>
  let enclave: SimulatedEnclave
  beforeAll(async () => {
    tmp = await withTempDir()
    enclave = await createSimulatedEnclave({ dataDir: tmp.dir, measurement })
  })
  afterAll(() => tmp.cleanup())

  const localPolicy = () => ({ allowSimulated: true, simulatedRoots: [enclave.rootCertificateDer] })

  it('charges gas from the input length alone', () => {
    expect(quoteVerifierGas(0)).toBe(50_000n)
    expect(quoteVerifierGas(1)).toBe(50_012n)
    expect(quoteVerifierGas(32)).toBe(50_012n)
    expect(quoteVerifierGas(33)).toBe(50_024n)
    const good = encodeQuoteVerifierInput({ quote: enclave.quote(reportData), measurement, reportData })
    const bad = flip(good, good.length - 200)
    const a = runQuoteVerifierPrecompile(good, { policy: localPolicy(), timestamp: now })
    const b = runQuoteVerifierPrecompile(bad, { policy: localPolicy(), timestamp: now })
    expect(a.gasUsed).toBe(quoteVerifierGas(good.length))
    expect(b.gasUsed).toBe(a.gasUsed)
  })

  it('returns ok-simulated with the quote fields, and the same bytes on every call', () => {
    const input = encodeQuoteVerifierInput({ quote: enclave.quote(reportData), measurement, reportData })
    const first = runQuoteVerifierPrecompile(input, { policy: localPolicy(), timestamp: now })
    const second = runQuoteVerifierPrecompile(input, { policy: localPolicy(), timestamp: now })
    expect(Buffer.from(first.returnData).equals(Buffer.from(second.returnData))).toBe(true)
    const out = decodeQuoteVerifierOutput(first.returnData)
    expect(out).toMatchObject({ status: 'ok-simulated', simulated: true })
    expect(out.measurement).toEqual(measurement)
    expect(out.reportData).toEqual(reportData)
    expect(statusCode('ok-simulated')).toBe(1)
  })

  it('fails closed: production policy, wrong settlement, bad input, out of gas', () => {
    const input = encodeQuoteVerifierInput({ quote: enclave.quote(reportData), measurement, reportData })
    const production = runQuoteVerifierPrecompile(input, { policy: {}, timestamp: now })
    expect(decodeQuoteVerifierOutput(production.returnData).status).toBe('simulated-not-allowed')
    const other = encodeQuoteVerifierInput({
      quote: enclave.quote(reportData),
      measurement,
      reportData: reportDataForSettlement('0x02'),
    })
    expect(
      decodeQuoteVerifierOutput(
        runQuoteVerifierPrecompile(other, { policy: localPolicy(), timestamp: now }).returnData,
      ).status,
    ).toBe('report-data-mismatch')
    const garbage = runQuoteVerifierPrecompile(new Uint8Array([1, 2, 3]), {
      policy: localPolicy(),
      timestamp: now,
    })
    expect(decodeQuoteVerifierOutput(garbage.returnData).status).toBe('bad-input')
    const oversize = new Uint8Array(QUOTE_VERIFIER_MAX_INPUT + 1)
    oversize.set(input)
    const tooLarge = runQuoteVerifierPrecompile(oversize, { policy: localPolicy(), timestamp: now })
    expect(decodeQuoteVerifierOutput(tooLarge.returnData).status).toBe('bad-input')
    expect(tooLarge).toMatchObject({ outOfGas: false, gasUsed: quoteVerifierGas(oversize.length) })
    const oog = runQuoteVerifierPrecompile(input, { policy: localPolicy(), timestamp: now, gasLimit: 1000n })
    expect(oog).toMatchObject({ outOfGas: true, gasUsed: 1000n })
    expect(oog.returnData).toHaveLength(0)
  })

  it('verifies a real SGX quote at the block timestamp', () => {
    const { quote, collateral } = loadSample('sgx')
    const q = decodeQuote(quote)
    const input = encodeQuoteVerifierInput({
      quote,
      measurement: quoteMeasurement(q),
      reportData: q.body.report.reportData,
    })
    const policy = { collateral: createDcapQvlBackend({ collateral }) }
    const at = BigInt(SAMPLE_TIME.getTime() / 1000)
    expect(
      decodeQuoteVerifierOutput(runQuoteVerifierPrecompile(input, { policy, timestamp: at }).returnData),
    ).toMatchObject({
      status: 'ok',
      simulated: false,
    })
    const later = at + 90n * 86_400n
    expect(
      decodeQuoteVerifierOutput(runQuoteVerifierPrecompile(input, { policy, timestamp: later }).returnData)
        .status,
    ).toBe('collateral-rejected')
  })
})
