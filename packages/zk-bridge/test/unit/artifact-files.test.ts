import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ARTIFACT_PART_BYTES, readArtifactFile, writeArtifactFile } from '../../src/artifacts.js'
import { ArtifactNotFoundError } from '../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'zk-artifact-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('artifact files over the part size', () => {
  it('are stored as numbered parts and read back whole', async () => {
    const big = new Uint8Array(randomBytes(ARTIFACT_PART_BYTES * 2 + 123))
    writeArtifactFile(dir, 'big.bin', big)
    expect(existsSync(join(dir, 'big.bin'))).toBe(false)
    expect(existsSync(join(dir, 'big.bin.part2'))).toBe(true)
    const read = await readArtifactFile(dir, 'big.bin')
    expect(read.length).toBe(big.length)
    expect(Buffer.from(read).equals(Buffer.from(big))).toBe(true)
  })

  it('small files stay whole, and rewriting removes stale parts', async () => {
    const small = new Uint8Array([1, 2, 3])
    writeArtifactFile(dir, 'big.bin', small)
    expect(existsSync(join(dir, 'big.bin.part0'))).toBe(false)
    expect(await readArtifactFile(dir, 'big.bin')).toEqual(small)
  })

  it('a missing artifact is a clear error', async () => {
    const err = await readArtifactFile(dir, 'nope.zkey').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ArtifactNotFoundError)
    expect(err).toMatchObject({ code: 'ZK_ARTIFACT_NOT_FOUND', name: 'ArtifactNotFoundError' })
    expect((err as Error).message).toContain('Neither nope.zkey nor nope.zkey.part0 exists')
  })
})
