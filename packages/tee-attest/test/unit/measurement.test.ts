import { createHash } from 'node:crypto'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { canonicalJson, computeExecutorMeasurement, MEASUREMENT_DOMAIN } from '../../src/index.js'
import { withTempDir } from '../helpers.js'

describe('executor measurement (mr_enclave)', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>
  let dist: string
  beforeEach(async () => {
    tmp = await withTempDir()
    dist = join(tmp.dir, 'dist')
    await mkdir(join(dist, 'executor'), { recursive: true })
    await writeFile(join(dist, 'index.js'), 'export const a = 1\n')
    await writeFile(join(dist, 'executor', 'worker.js'), 'export const b = 2\n')
    await writeFile(join(dist, 'index.js.map'), '{"mappings":""}')
    await writeFile(join(dist, 'index.d.ts'), 'export declare const a: 1\n')
    await writeFile(join(dist, '.tsbuildinfo'), '{}')
  })
  afterEach(() => tmp.cleanup())

  const config = { parallel: { workers: 4 }, chainId: 901, vm: ['evm', 'wasm'] }

  it('follows the documented definition exactly', async () => {
    const m = await computeExecutorMeasurement({ dir: dist, config })
    expect(m.files.map((f) => f.path)).toEqual(['executor/worker.js', 'index.js'])
    expect(m.configJson).toBe('{"chainId":901,"parallel":{"workers":4},"vm":["evm","wasm"]}')
    const sha = (d: string | Buffer) => createHash('sha256').update(d).digest()
    const z = Buffer.of(0)
    const expected = createHash('sha256')
      .update(MEASUREMENT_DOMAIN)
      .update(z)
      .update(Buffer.concat([Buffer.from('file'), z, Buffer.from('executor/worker.js'), z]))
      .update(sha('export const b = 2\n'))
      .update(Buffer.concat([Buffer.from('file'), z, Buffer.from('index.js'), z]))
      .update(sha('export const a = 1\n'))
      .update(Buffer.concat([Buffer.from('config'), z]))
      .update(sha(m.configJson))
      .digest()
    expect(Buffer.from(m.mrEnclave).equals(expected)).toBe(true)
    expect(m.mrEnclave).toHaveLength(32)
  })

  it('is independent of key order and non-executing files, and changes with code or config', async () => {
    const base = await computeExecutorMeasurement({ dir: dist, config })
    const reordered = await computeExecutorMeasurement({
      dir: dist,
      config: { vm: ['evm', 'wasm'], chainId: 901, parallel: { workers: 4 } },
    })
    expect(reordered.mrEnclaveHex).toBe(base.mrEnclaveHex)
    await writeFile(join(dist, 'index.js.map'), '{"mappings":"AAAA"}')
    expect((await computeExecutorMeasurement({ dir: dist, config })).mrEnclaveHex).toBe(base.mrEnclaveHex)
    const otherConfig = await computeExecutorMeasurement({ dir: dist, config: { ...config, chainId: 902 } })
    expect(otherConfig.mrEnclaveHex).not.toBe(base.mrEnclaveHex)
    await writeFile(join(dist, 'executor', 'worker.js'), 'export const b = 3\n')
    expect((await computeExecutorMeasurement({ dir: dist, config })).mrEnclaveHex).not.toBe(base.mrEnclaveHex)
  })

  it('refuses symbolic links, missing dirs and non-JSON config', async () => {
    await symlink(join(dist, 'index.js'), join(dist, 'link.js'))
    await expect(computeExecutorMeasurement({ dir: dist, config })).rejects.toThrow(/dir/)
    await expect(computeExecutorMeasurement({ dir: join(tmp.dir, 'nope'), config })).rejects.toThrow(/dir/)
    expect(() => canonicalJson({ a: 1n })).toThrow(/config\.a/)
    expect(() => canonicalJson({ a: [Number.NaN] })).toThrow(/config\.a\[0\]/)
  })
})
