import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Attestor } from '@rollup-mesh/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createSimulatedEnclave,
  decodeQuote,
  EnclaveStateError,
  encodeQuote,
  reportDataForSettlement,
  type SimulatedEnclave,
  splitPemChain,
  verifyQuote,
} from '../../src/index.js'
import { withTempDir } from '../helpers.js'

const measurement = new Uint8Array(32).fill(0xab)

describe('simulated enclave', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>
  let enclave: SimulatedEnclave
  beforeAll(async () => {
    tmp = await withTempDir()
    enclave = await createSimulatedEnclave({ dataDir: tmp.dir, measurement })
  })
  afterAll(() => tmp.cleanup())

  it('stores a dev root CA chain and keys in <dataDir>/enclave, keys private', async () => {
    const files = (await readdir(join(tmp.dir, 'enclave'))).sort()
    expect(files).toEqual(['attestation-key.pem', 'pck-chain.pem', 'pck-key.pem'])
    const chain = splitPemChain(await readFile(join(tmp.dir, 'enclave', 'pck-chain.pem'), 'utf8'))
    expect(chain).toHaveLength(3)
    expect(Buffer.compare(chain[2]!, enclave.rootCertificateDer)).toBe(0)
    const { stat } = await import('node:fs/promises')
    expect((await stat(join(tmp.dir, 'enclave', 'pck-key.pem'))).mode & 0o077).toBe(0)
  })

  it('implements core Attestor and says simulated in its status', async () => {
    const attestor: Attestor = enclave
    expect(attestor.mode).toBe('simulated')
    expect(attestor.measurement).toEqual(measurement)
    const status = enclave.status()
    expect(status.mode).toBe('simulated')
    expect(status.label).toMatch(/simulated/)
    const quote = await attestor.attest(new Uint8Array(64).fill(7))
    expect(decodeQuote(quote).body.report.reportData).toEqual(new Uint8Array(64).fill(7))
  })

  it('emits byte-exact SGX v5 quotes (body descriptor type 1) carrying mr_enclave and the settlement report data', () => {
    const reportData = reportDataForSettlement('0x1234')
    const bytes = enclave.quote(reportData)
    const q = decodeQuote(bytes)
    expect(enclave.quoteVersion).toBe(5)
    expect(enclave.status().quoteVersion).toBe(5)
    expect(q.header.version).toBe(5)
    // descriptor at offset 48: body type 1 (SGX report), body size 384
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    expect(view.getUint16(48, true)).toBe(1)
    expect(view.getUint32(50, true)).toBe(384)
    expect(bytes.subarray(54 + 64, 54 + 96)).toEqual(measurement) // mr_enclave at body offset 64
    expect(q.header.teeType).toBe(0)
    expect(Buffer.from(q.header.userData).toString()).toContain('SIMULATED')
    expect(q.body.type).toBe('sgx')
    if (q.body.type !== 'sgx') return
    expect(q.body.report.mrEnclave).toEqual(measurement)
    expect(q.body.report.reportData).toEqual(reportData)
    expect(q.signatureData.certificationData.type).toBe(5)
    expect(encodeQuote(q)).toEqual(bytes)
  })

  it('still emits v4 quotes when asked (quoteVersion: 4), and refuses other versions', async () => {
    const v4 = await createSimulatedEnclave({ dataDir: tmp.dir, measurement, quoteVersion: 4 })
    const bytes = v4.quote(new Uint8Array(64))
    const q = decodeQuote(bytes)
    expect(q.header.version).toBe(4)
    expect(bytes.subarray(48 + 64, 48 + 96)).toEqual(measurement) // no descriptor: body at 48
    expect(bytes.length).toBe(enclave.quote(new Uint8Array(64)).length - 6)
    await expect(
      createSimulatedEnclave({ dataDir: tmp.dir, measurement, quoteVersion: 3 as unknown as 5 }),
    ).rejects.toMatchObject({ code: 'PARAMETER_INVALID', message: expect.stringMatching(/quoteVersion/) })
  })

  it('reloads the same identity on restart', async () => {
    const again = await createSimulatedEnclave({ dataDir: tmp.dir, measurement })
    expect(again.rootCertificatePem).toBe(enclave.rootCertificatePem)
    const q1 = decodeQuote(enclave.quote(new Uint8Array(64)))
    const q2 = decodeQuote(again.quote(new Uint8Array(64)))
    expect(q2.signatureData.attestationKey).toEqual(q1.signatureData.attestationKey)
    const result = verifyQuote(again.quote(new Uint8Array(64)), {
      allowSimulated: true,
      simulatedRoots: [enclave.rootCertificatePem],
      allowedMeasurements: [measurement],
      expectedReportData: new Uint8Array(64),
    })
    expect(result.status).toBe('ok-simulated')
  })

  it('refuses a partly written key directory and bad parameters', async () => {
    const other = await withTempDir()
    try {
      const e = await createSimulatedEnclave({ dataDir: other.dir, measurement })
      expect(e.mode).toBe('simulated')
      await rm(join(other.dir, 'enclave', 'attestation-key.pem'))
      await expect(createSimulatedEnclave({ dataDir: other.dir, measurement })).rejects.toThrow(
        EnclaveStateError,
      )
      await writeFile(join(other.dir, 'enclave', 'attestation-key.pem'), 'not a key')
      await expect(createSimulatedEnclave({ dataDir: other.dir, measurement })).rejects.toThrow(
        /do not parse/,
      )
    } finally {
      await other.cleanup()
    }
    await expect(
      createSimulatedEnclave({ dataDir: tmp.dir, measurement: new Uint8Array(31) }),
    ).rejects.toThrow(/measurement/)
    expect(() => enclave.quote(new Uint8Array(32))).toThrow(/reportData/)
  })
})
