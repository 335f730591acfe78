import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { ChainStore } from '../../src/store.js'
import { ChainDbCorruptError, checkChainDb } from '../../src/storeIntegrity.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-integrity-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A real chain.db of a few hundred KiB (pool rows spread over many pages), closed (WAL checkpointed). */
function makeStore(name: string): string {
  const path = join(dir, name)
  const store = new ChainStore({ path })
  store.setMeta('chainId', '901')
  const rows = Array.from({ length: 400 }, (_, i) => ({
    hash: `0x${i.toString(16).padStart(64, '0')}` as Hex,
    raw: `0x${'ab'.repeat(500)}` as Hex,
    from: '0x0000000000000000000000000000000000000001' as const,
    seq: i,
  }))
  store.transaction(() => store.poolPut(rows))
  store.close()
  return path
}

const problemOf = (path: string, thorough = false) => {
  try {
    checkChainDb(path, { thorough })
    return 'ok'
  } catch (err) {
    if (err instanceof ChainDbCorruptError) return err.problem
    throw err
  }
}

describe('chain.db integrity at open (checkChainDb, called by ChainStore)', () => {
  it('an intact store opens; a missing one is a new store', () => {
    const path = makeStore('intact.db')
    expect(problemOf(path, true)).toBe('ok')
    expect(problemOf(join(dir, 'missing.db'))).toBe('ok')
    new ChainStore({ path }).close()
  })

  it('a truncated file is refused at open with CHAIN_DB_CORRUPT, and left as it was', () => {
    const path = makeStore('truncated.db')
    const size = statSync(path).size
    truncateSync(path, Math.floor(size / 2))
    const before = readFileSync(path)
    let error: unknown
    try {
      new ChainStore({ path })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ChainDbCorruptError)
    expect((error as ChainDbCorruptError).code).toBe('CHAIN_DB_CORRUPT')
    expect((error as ChainDbCorruptError).problem).toBe('truncated')
    expect((error as ChainDbCorruptError).message).toMatch(/truncated/)
    expect((error as ChainDbCorruptError).message).toMatch(/mesh doctor/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('a file that is not SQLite is refused', () => {
    const path = makeStore('garbage.db')
    const fd = openSync(path, 'r+')
    writeSync(fd, Buffer.from('this is not a database at all!!'), 0, 31, 0)
    closeSync(fd)
    expect(problemOf(path)).toBe('not-sqlite')
  })

  it('pages overwritten in the middle are found by the thorough check (mesh doctor)', () => {
    const path = makeStore('pages.db')
    const size = statSync(path).size
    const fd = openSync(path, 'r+')
    const junk = Buffer.alloc(8192, 0x5a)
    writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096)
    closeSync(fd)
    expect(problemOf(path, true)).toBe('corrupt')
  })
})
