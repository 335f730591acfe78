import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Collateral } from '../src/index.js'

/** Real Intel DCAP samples, vendored with their licence and provenance in `test/fixtures/dcap/`. */
export const DCAP_DIR = resolve(import.meta.dirname, 'fixtures/dcap')

/** A time inside both samples' collateral windows (TCB info and QE identity: 2025-06-19 to 2025-07-19). */
export const SAMPLE_TIME = new Date('2025-07-01T00:00:00Z')

export function loadSample(name: 'sgx' | 'tdx'): { quote: Uint8Array; collateral: Collateral } {
  return {
    quote: new Uint8Array(readFileSync(join(DCAP_DIR, `${name}_quote`))),
    collateral: JSON.parse(
      readFileSync(join(DCAP_DIR, `${name}_quote_collateral.json`), 'utf8'),
    ) as Collateral,
  }
}

/**
 * Real v5 quotes (all TDX 1.5: v5 body type 3, the only v5 quotes public repositories hold): `tdx_v5` from
 * dcap-qvl's `sample/` with its collateral, `tdx_v5_alibaba` and `tdx_v5_automata` from Automata's DCAP
 * attestation tests (the same FMSPC 90C06F000000, so `tdx_v5`'s collateral applies to them too).
 */
export type V5SampleName = 'tdx_v5' | 'tdx_v5_alibaba' | 'tdx_v5_automata'

/** A time inside the v5 collateral's window (TCB info and QE identity: 2026-02-18 to 2026-03-20). */
export const V5_SAMPLE_TIME = new Date('2026-03-01T00:00:00Z')

export function loadV5Sample(name: V5SampleName): { quote: Uint8Array; collateral: Collateral } {
  return {
    quote: new Uint8Array(readFileSync(join(DCAP_DIR, `${name}_quote`))),
    collateral: JSON.parse(
      readFileSync(join(DCAP_DIR, 'tdx_v5_quote_collateral.json'), 'utf8'),
    ) as Collateral,
  }
}

export async function withTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tee-attest-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

export function flip(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = bytes.slice()
  out[offset]! ^= mask
  return out
}
