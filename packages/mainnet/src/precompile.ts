import type { CustomPrecompile } from '@rollup-mesh/dual-vm'
import {
  type CertificateInput,
  type CollateralBackend,
  decodeQuote,
  encodeQuoteVerifierInput,
  PRECOMPILE_STATUS_BAD_INPUT,
  QUOTE_VERIFIER_MAX_INPUT,
  quoteMeasurement,
  quoteVerifierGas,
  runQuoteVerifierPrecompile,
} from '@rollup-mesh/tee-attest'
import { bytesToHex, decodeAbiParameters, encodeAbiParameters, type Hex, hexToBytes } from 'viem'

/**
 * The main net's quote-verifier precompile at `SYSTEM_ADDRESSES.mainnet.quoteVerifier` (0x…0a01).
 *
 * Input (ABI): `(bytes quote, bytes[] measurements, bytes reportData, bytes[] simulatedRoots)`: the quote,
 * the SPN's registered measurements, the expected 64-byte report data and the DER dev roots its simulated
 * enclave may chain to (empty: hardware roots only, simulated quotes refused).
 * Output (ABI): tee-attest's `(uint8 status, bool simulated, bytes measurement, bytes reportData)`,
 * status = index in `VERIFY_STATUSES` (0 `ok`, 1 `ok-simulated`), 255 when the input does not decode.
 * Gas: tee-attest's `quoteVerifierGas(input.length)` = 50,000 + 12 per input word, charged whatever the outcome.
 *
 * It runs tee-attest's `runQuoteVerifierPrecompile` once, with the registered measurement the quote
 * carries (or the first one, which then fails `measurement-not-allowed`), at the block's timestamp.
 */
export const QUOTE_VERIFIER_INPUT_ABI = [
  { name: 'quote', type: 'bytes' },
  { name: 'measurements', type: 'bytes[]' },
  { name: 'reportData', type: 'bytes' },
  { name: 'simulatedRoots', type: 'bytes[]' },
] as const

export type QuoteVerifierPrecompileOptions = {
  /** Hardware roots; default tee-attest's (the Intel SGX Root CA). */
  trustedRoots?: readonly CertificateInput[]
  /** Collateral checks for hardware quotes; without it hardware quotes fail `collateral-missing`. */
  collateral?: CollateralBackend
}

export function encodeMainnetQuoteVerifierInput(args: {
  quote: Hex | Uint8Array
  measurements: readonly (Hex | Uint8Array)[]
  reportData: Hex | Uint8Array
  simulatedRoots: readonly (Hex | Uint8Array)[]
}): Hex {
  const hex = (v: Hex | Uint8Array): Hex => (typeof v === 'string' ? v : bytesToHex(v))
  return encodeAbiParameters(QUOTE_VERIFIER_INPUT_ABI, [
    hex(args.quote),
    args.measurements.map(hex),
    hex(args.reportData),
    args.simulatedRoots.map(hex),
  ])
}

const BAD_INPUT = hexToBytes(
  encodeAbiParameters(
    [{ type: 'uint8' }, { type: 'bool' }, { type: 'bytes' }, { type: 'bytes' }],
    [PRECOMPILE_STATUS_BAD_INPUT, false, '0x', '0x'],
  ),
)

export function createQuoteVerifierPrecompile(
  options: QuoteVerifierPrecompileOptions = {},
): CustomPrecompile {
  return (input, { gasLimit, timestamp }) => {
    const gasUsed = quoteVerifierGas(input.length)
    if (gasLimit < gasUsed) return { returnData: new Uint8Array(), gasUsed: gasLimit, outOfGas: true }
    let quote: Uint8Array
    let measurements: Uint8Array[]
    let reportData: Uint8Array
    let roots: Uint8Array[]
    // an input too large to be a quote with its measurements answers bad input, like one that does not decode
    if (input.length > 2 * QUOTE_VERIFIER_MAX_INPUT) return { returnData: BAD_INPUT, gasUsed }
    try {
      const [q, m, r, s] = decodeAbiParameters(QUOTE_VERIFIER_INPUT_ABI, bytesToHex(input))
      quote = hexToBytes(q)
      measurements = m.map((x) => hexToBytes(x))
      reportData = hexToBytes(r)
      roots = s.map((x) => hexToBytes(x))
    } catch {
      return { returnData: BAD_INPUT, gasUsed }
    }
    let measurement = measurements[0] ?? new Uint8Array()
    try {
      const carried = quoteMeasurement(decodeQuote(quote))
      const match = measurements.find(
        (m) => m.length === carried.length && m.every((b, i) => b === carried[i]),
      )
      if (match) measurement = match
    } catch {
      // A quote that does not decode fails inside the verifier with `malformed`.
    }
    const result = runQuoteVerifierPrecompile(encodeQuoteVerifierInput({ quote, measurement, reportData }), {
      policy: {
        ...(options.trustedRoots ? { trustedRoots: options.trustedRoots } : {}),
        ...(options.collateral ? { collateral: options.collateral } : {}),
        simulatedRoots: roots,
        allowSimulated: roots.length > 0,
      },
      timestamp,
    })
    return { returnData: result.returnData, gasUsed }
  }
}
