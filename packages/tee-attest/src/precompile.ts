import { bytesToHex, hexToBytes } from '@rollup-mesh/core'
import { decodeAbiParameters, encodeAbiParameters } from 'viem'
import { type AttestationPolicy, VERIFY_STATUSES, type VerifyStatus, verifyQuote } from './verifier.js'

/**
 * The main net's quote-verifier precompile, as a pure function: bytes in,
 * bytes out, gas from the input length alone (so every validator charges the
 * same before running it).
 *
 * Input  (ABI): `(bytes quote, bytes measurement, bytes reportData)`
 *   the quote, the one measurement registered for the SPN (32 bytes SGX
 *   mr_enclave / 48 bytes TDX mr_td), the expected 64-byte report data.
 * Output (ABI): `(uint8 status, bool simulated, bytes measurement, bytes reportData)`
 *   status is the index in `VERIFY_STATUSES` (0 `ok`, 1 `ok-simulated`, ...;
 *   `PRECOMPILE_STATUS_BAD_INPUT` for input that does not ABI-decode);
 *   measurement and report data are the quote's (empty when it did not decode).
 * Time: certificate validity is checked at the block timestamp, never the wall clock.
 */

/** 4 P-256 verifications (2 chain links, QE report, quote) at EIP-7951's 6,900 gas, plus X.509/ASN.1 work. */
export const QUOTE_VERIFIER_BASE_GAS = 50_000n
/** Per 32-byte input word: the quote is hashed and parsed (SHA-256 precompile charges 12). */
export const QUOTE_VERIFIER_WORD_GAS = 12n
/** Inputs above this are refused before any work (a real quote is about 5 KiB). */
export const QUOTE_VERIFIER_MAX_INPUT = 64 * 1024
export const PRECOMPILE_STATUS_BAD_INPUT = 255

/** Gas of one call: `50_000 + 12 * ceil(inputLength / 32)`. */
export function quoteVerifierGas(inputLength: number): bigint {
  return QUOTE_VERIFIER_BASE_GAS + QUOTE_VERIFIER_WORD_GAS * BigInt(Math.ceil(inputLength / 32))
}

export function statusCode(status: VerifyStatus): number {
  return VERIFY_STATUSES.indexOf(status)
}

export function statusFromCode(code: number): VerifyStatus | 'bad-input' {
  return VERIFY_STATUSES[code] ?? 'bad-input'
}

const INPUT = [{ type: 'bytes' }, { type: 'bytes' }, { type: 'bytes' }] as const
const OUTPUT = [{ type: 'uint8' }, { type: 'bool' }, { type: 'bytes' }, { type: 'bytes' }] as const

export function encodeQuoteVerifierInput(args: {
  quote: Uint8Array
  measurement: Uint8Array
  reportData: Uint8Array
}): Uint8Array {
  return hexToBytes(
    encodeAbiParameters(INPUT, [
      bytesToHex(args.quote),
      bytesToHex(args.measurement),
      bytesToHex(args.reportData),
    ]),
  )
}

export type QuoteVerifierOutput = {
  status: VerifyStatus | 'bad-input'
  simulated: boolean
  measurement: Uint8Array
  reportData: Uint8Array
}

export function decodeQuoteVerifierOutput(output: Uint8Array): QuoteVerifierOutput {
  const [code, simulated, measurement, reportData] = decodeAbiParameters(OUTPUT, bytesToHex(output))
  return {
    status: statusFromCode(code),
    simulated,
    measurement: hexToBytes(measurement),
    reportData: hexToBytes(reportData),
  }
}

/** The policy part a chain fixes in its config (roots, simulated allowed); measurement and report data come per call. */
export type PrecompilePolicy = Omit<AttestationPolicy, 'allowedMeasurements' | 'expectedReportData' | 'now'>

export type PrecompileResult = { returnData: Uint8Array; gasUsed: bigint; outOfGas: boolean }

/** Runs the precompile: `gasLimit` below `quoteVerifierGas(input.length)` is out of gas, as in the EVM. */
export function runQuoteVerifierPrecompile(
  input: Uint8Array,
  context: { policy: PrecompilePolicy; timestamp: bigint; gasLimit?: bigint },
): PrecompileResult {
  const gas = quoteVerifierGas(input.length)
  if (context.gasLimit !== undefined && context.gasLimit < gas) {
    return { returnData: new Uint8Array(), gasUsed: context.gasLimit, outOfGas: true }
  }
  const out = (code: number, simulated: boolean, m: Uint8Array, r: Uint8Array) => ({
    returnData: hexToBytes(encodeAbiParameters(OUTPUT, [code, simulated, bytesToHex(m), bytesToHex(r)])),
    gasUsed: gas,
    outOfGas: false,
  })
  if (input.length > QUOTE_VERIFIER_MAX_INPUT)
    return out(PRECOMPILE_STATUS_BAD_INPUT, false, new Uint8Array(), new Uint8Array())
  let quote: Uint8Array
  let measurement: Uint8Array
  let reportData: Uint8Array
  try {
    const [q, m, r] = decodeAbiParameters(INPUT, bytesToHex(input))
    quote = hexToBytes(q)
    measurement = hexToBytes(m)
    reportData = hexToBytes(r)
  } catch {
    return out(PRECOMPILE_STATUS_BAD_INPUT, false, new Uint8Array(), new Uint8Array())
  }
  const result = verifyQuote(quote, {
    ...context.policy,
    allowedMeasurements: [measurement],
    expectedReportData: reportData,
    now: new Date(Number(context.timestamp) * 1000),
  })
  return out(
    statusCode(result.status),
    result.simulated,
    result.measurement ? hexToBytes(result.measurement) : new Uint8Array(),
    result.reportData ? hexToBytes(result.reportData) : new Uint8Array(),
  )
}
