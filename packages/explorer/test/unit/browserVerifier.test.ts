import { readFileSync } from 'node:fs'
import { bytesToHex, hexToBytes } from 'viem'
import { describe, expect, it, vi } from 'vitest'

// The browser verifier is mainnet's own `verifyProofBundle` with two modules swapped by the Vite build:
// `@chainsafe/blst` → the @noble/curves shim and `node:crypto` → the P-256/X.509 shim. Here the same
// swap is made with vi.mock (signing stays on real blst: the shim verifies only), and the real bundles
// of mainnet's bundle tests are verified through it: every check passes, and each tamper fails by name.
vi.mock('@chainsafe/blst', async (importOriginal) => {
  const real = await importOriginal<typeof import('@chainsafe/blst')>()
  const shim = await import('../../src/app/verifier/shims/blst.js')
  return { ...shim, SecretKey: real.SecretKey }
})
vi.mock('node:crypto', async () => await import('../../src/app/verifier/shims/crypto.js'))

const { verifyProofBundle } = await import('@rollup-mesh/mainnet/bundle')
const { testSet, v2Bundle } = await import('../../../mainnet/test/bundleCommit.js')
const shimmedCrypto = await import('node:crypto')
const cryptoShim = await import('../../src/app/verifier/shims/crypto.js')

const vkey = JSON.parse(
  readFileSync(new URL('../../../zk-bridge/artifacts/verification_key.json', import.meta.url), 'utf8'),
)
const A = testSet([1, 1, 1, 1], 1)
const good = v2Bundle(A)
type Bundle = typeof good
const verify = (b: Bundle) => verifyProofBundle(structuredClone(b), { vkey })
const flip = (hex: `0x${string}`, at: number): `0x${string}` => {
  const bytes = hexToBytes(hex)
  bytes[at]! ^= 0x01
  return bytesToHex(bytes)
}

describe('the bundle verifier on the browser shims (blst → @noble/curves, node:crypto → P-256/X.509)', () => {
  it('runs on the shims', () => {
    expect(shimmedCrypto.X509Certificate).toBe(cryptoShim.X509Certificate)
  })

  it('a real version-2 bundle passes every check, TEE quote and BLS certificate included', async () => {
    const result = await verify(good)
    expect(result.checks.filter((c) => !c.ok)).toEqual([])
    expect(result.ok).toBe(true)
    expect(result.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['groth16', 'tee-quote', 'validator-set', 'commit-certificate']),
    )
  }, 60_000)

  it('a tampered certificate fails commit-certificate; a tampered quote fails tee-quote', async () => {
    const cert = structuredClone(good)
    cert.commit!.certificate = flip(cert.commit!.certificate, hexToBytes(cert.commit!.certificate).length - 5)
    const c = await verify(cert)
    expect(c.failed).toBe('commit-certificate')
    expect(c.checks.find((x) => x.name === 'commit-certificate')?.detail).toMatch(/^CERT_BAD_SIGNATURE/)
    const quote = structuredClone(good)
    // a byte of the quote's signed body (the enclave's report data region): the quote signature breaks
    quote.acceptance.quote = flip(quote.acceptance.quote, 100)
    const q = await verify(quote)
    expect(q.ok).toBe(false)
    expect(q.checks.find((x) => x.name === 'tee-quote')?.ok).toBe(false)
  }, 60_000)

  it('a tampered Groth16 proof fails groth16', async () => {
    const b = structuredClone(good)
    b.acceptance.proof = flip(b.acceptance.proof, 40)
    const r = await verify(b)
    expect(r.ok).toBe(false)
    expect(r.checks.find((x) => x.name === 'groth16')?.ok).toBe(false)
  }, 60_000)
})
