import { type Collateral, QuoteVerifier } from '@phala/dcap-qvl'
import type { CollateralBackend, CollateralOutcome } from './verifier.js'

/**
 * The real-DCAP backend: Intel collateral checks for hardware quotes through
 * the pure-JS `@phala/dcap-qvl` (a port of Phala's Rust dcap-qvl). It verifies,
 * against the root the quote chained to: the root CA and PCK CRLs, the TCB info
 * and QE identity (issuer chains, signatures, validity windows at `now`), the
 * QE report against the QE identity, the platform TCB level from the PCK
 * certificate's SGX extensions, and TD/enclave attributes. Revoked or
 * unmatched TCB fails; other TCB statuses (`OutOfDate`, `SWHardeningNeeded`, ...)
 * pass and are reported as `tcbStatus` for the policy's owner to judge.
 *
 * dcap-qvl accepts SGX quotes of version 3 and TDX quotes of version 4/5 (TD 1.0
 * and TD 1.5 bodies); it refuses SGX v4/v5 quotes ("SGX TEE quote must have
 * version 3") and, in the installed 0.3.9, TD 1.5 quotes whose `mr_servicetd` is
 * not zero. Both come back as `collateral-rejected` with dcap-qvl's reason.
 */
export type { Collateral }

export type DcapQvlBackendOptions = {
  /** The collateral (as a PCCS serves it), or a lookup by quote (per FMSPC in practice). */
  collateral: Collateral | ((quote: Uint8Array) => Collateral | undefined)
}

export function createDcapQvlBackend(options: DcapQvlBackendOptions): CollateralBackend {
  return {
    name: 'dcap-qvl',
    verify(quote, { rootDer, now }): CollateralOutcome {
      const collateral =
        typeof options.collateral === 'function' ? options.collateral(quote) : options.collateral
      if (!collateral) return { ok: false, reason: 'no collateral for this quote' }
      try {
        const report = QuoteVerifier.newWithRootCa(Buffer.from(rootDer)).verify(
          Buffer.from(quote),
          collateral,
          Math.floor(now.getTime() / 1000),
        )
        return { ok: true, tcbStatus: report.status, advisoryIds: [...report.advisory_ids] }
      } catch (err) {
        const e = err as Error & { cause?: Error }
        return {
          ok: false,
          reason: e.cause?.message ? `${e.message}: ${e.cause.message}` : String(e.message ?? e),
        }
      }
    },
  }
}
