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

export async function withTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tee-attest-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

export function flip(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = bytes.slice()
  out[offset]! ^= mask
  return out
}
