import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogsBloom, type Receipt } from '@rollup-mesh/core'
import Database from 'better-sqlite3'
import type { Address, Hex } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/block.js'
import { BlockCertificates } from '../../src/blockCertificates.js'
import { encodeChangeSet } from '../../src/changeSet.js'
import { CommitWriter } from '../../src/commitWriter.js'
import { blockVersion } from '../../src/stateHistory.js'
import { ChainStore } from '../../src/store.js'
import { CommitWriterError } from '../../src/storeErrors.js'
import type { BlockCommit } from '../../src/storeTypes.js'
import { header, keys, storeWithGenesis } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-writer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const A = '0x00000000000000000000000000000000000000aa' as Address
const FROM = keys[0]!.address.toLowerCase() as Address
const CODE_HASH = `0x${'cc'.repeat(32)}` as Hex
const slot = (i: number) => `0x${i.toString(16).padStart(64, '0')}` as Hex

function receipt(hash: Hex, i: number): Receipt {
  const logs = [{ address: A, topics: [`0x${'ab'.repeat(32)}` as Hex, slot(i)], data: '0x01' as Hex }]
  return {
    transactionHash: hash,
    transactionIndex: i,
    from: FROM,
    to: A,
    status: 1,
    gasUsed: 21_000n,
    cumulativeGasUsed: 21_000n * BigInt(i + 1),
    effectiveGasPrice: 7n,
    contractAddress: null,
    logs,
    logsBloom: LogsBloom.ofLogs(logs).toHex(),
    revertData: '0x',
    vm: 'evm',
    // a deposit's receipt keeps the nonce it used (the writer gets receipts' stored fields only)
    ...(i === 1 ? { depositNonce: 5n } : {}),
  }
}

/** Three blocks on top of `parent`: txs with receipts and logs, state, code, a certificate row, an account deleted. */
function commitsAfter(parent: Hex, certificates: BlockCertificates): BlockCommit[] {
  const out: BlockCommit[] = []
  let parentHash = parent
  for (let n = 1; n <= 3; n++) {
    const h = { ...header(BigInt(n), parentHash), stateRoot: `0x${String(n).repeat(64)}` as Hex }
    const hash = hashHeader(h)
    const txs = [0, 1].map((i) => ({
      hash: `0x${String(n).repeat(62)}0${i}` as Hex,
      raw: `0x02c${i}` as Hex,
      from: FROM,
      to: A,
    }))
    const writeSet: BlockCommit['writeSet'] =
      n === 3
        ? { accounts: new Map([[A, null]]), storage: new Map(), code: new Map() }
        : {
            accounts: new Map([
              [A, { nonce: BigInt(n), balance: 9n * BigInt(n), codeHash: CODE_HASH, vm: 'evm' }],
            ]),
            storage: new Map([
              [
                A,
                new Map([
                  [slot(n), slot(40 + n)],
                  [slot(1), n === 2 ? slot(0) : slot(7)],
                ]),
              ],
            ]),
            code: new Map([[CODE_HASH, new Uint8Array([9, 8, n])]]),
          }
    out.push({
      header: h,
      hash,
      txs,
      receipts: txs.map((t, i) => receipt(t.hash, i)),
      writeSet,
      mempoolRemovals: txs.map((t) => t.hash),
      rows: [certificates.row(BigInt(n), hash, new Uint8Array([n, 1, 2, 3]))],
    })
    parentHash = hash
  }
  return out
}

/** A store with genesis, the certificates table, and the blocks' transactions waiting in the pool. */
function prepared(name: string): { path: string; store: ChainStore; commits: BlockCommit[] } {
  const path = join(dir, name)
  const store = storeWithGenesis(path)
  const commits = commitsAfter(store.head()!.hash, new BlockCertificates(store))
  store.poolPut(
    commits.flatMap((c) => c.txs.map((t, i) => ({ hash: t.hash, raw: t.raw, from: t.from, seq: i }))),
  )
  return { path, store, commits }
}

/** Every row of every table, sorted: two databases with equal dumps hold the same chain. */
function dump(path: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true })
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all()
    const out: Record<string, string[]> = {}
    for (const t of tables as string[])
      out[t] = db
        .prepare(`SELECT * FROM "${t}"`)
        .all()
        .map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
        .sort()
    return out
  } finally {
    db.close()
  }
}

describe('CommitWriter', () => {
  it('commits on its thread exactly what an inline commit writes: blocks, receipts, logs, state, history, pool, extension rows', async () => {
    const inline = prepared('inline.db')
    for (const c of inline.commits) inline.store.commitBlock(c)
    inline.store.close()

    const threaded = prepared('writer.db')
    const writer = await CommitWriter.open({ path: threaded.path })
    try {
      const durable = threaded.commits.map((c) => writer.commit(c))
      expect(writer.depth).toBe(3)
      const done = await Promise.all(durable)
      expect(done.map((d) => d.block)).toEqual([1n, 2n, 3n])
      expect(writer.depth).toBe(0)
      // the block thread's connection sees the writer's blocks (WAL)
      expect(threaded.store.head()?.hash).toBe(threaded.commits[2]!.hash)
      expect(threaded.store.poolAll()).toEqual([])
    } finally {
      await writer.close()
      threaded.store.close()
    }
    const a = dump(inline.path)
    const b = dump(threaded.path)
    expect(Object.keys(b)).toEqual(Object.keys(a))
    expect(b.chain_certificates).toHaveLength(3)
    expect(b.change_sets).toHaveLength(3)
    expect(b).toEqual(a)
  })

  it('a commit whose transaction fails rolls back whole and rejects with COMMIT_WRITER; the next commit still lands', async () => {
    const { path, store, commits } = prepared('failing.db')
    const writer = await CommitWriter.open({ path })
    try {
      const bad: BlockCommit = {
        ...commits[0]!,
        rows: [
          {
            sql: 'INSERT INTO chain_certificates (number, hash, certificate) VALUES (?, ?, NULL)',
            params: [1, 'x'],
          },
        ],
      }
      const err = await writer.commit(bad).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(CommitWriterError)
      expect((err as CommitWriterError).code).toBe('COMMIT_WRITER')
      expect((err as CommitWriterError).block).toBe(1n)
      // nothing of block 1 landed: head, its transactions' pool entries and the state are as before
      expect(store.head()?.number).toBe(0n)
      expect(store.poolAll()).toHaveLength(6)
      expect(store.readAccount(A)).toBeUndefined()
      await writer.commit(commits[0]!)
      expect(store.head()?.hash).toBe(commits[0]!.hash)
    } finally {
      await writer.close()
      store.close()
    }
  })

  it('persists pool flushes on its connection, in order behind the commits queued before them', async () => {
    const { path, store, commits } = prepared('pool.db')
    const writer = await CommitWriter.open({ path })
    try {
      const extra = { hash: `0x${'ee'.repeat(32)}` as Hex, raw: '0x02c9' as Hex, from: FROM, seq: 9 }
      const committed = writer.commit(commits[0]!)
      // block 1 removes its two transactions; the flush after it deletes one more and adds one
      const flushed = writer.pool([commits[1]!.txs[0]!.hash], [extra])
      expect(writer.depth).toBe(1)
      await Promise.all([committed, flushed])
      const left = store.poolAll().map((e) => e.hash)
      expect(left).toHaveLength(4)
      expect(left).toContain(extra.hash)
      expect(left).not.toContain(commits[1]!.txs[0]!.hash)
      expect(left).not.toContain(commits[0]!.txs[0]!.hash)
    } finally {
      await writer.close()
      store.close()
    }
  })

  it('records the history change set a commit carries (encoded on the block thread) instead of building one', async () => {
    const { path, store, commits } = prepared('changeset.db')
    const writer = await CommitWriter.open({ path })
    // not what block 1 changes: only a carried set can be the stored one
    const carried = encodeChangeSet({
      accounts: new Map([[`0x${'dd'.repeat(20)}`, null]]),
      storage: new Map(),
    })
    try {
      await writer.commit({ ...commits[0]!, changeSet: carried.toString('hex') })
      await writer.commit({ ...commits[1]!, changeSet: null })
      const db = new Database(path, { readonly: true })
      const sets = db.prepare('SELECT version, data FROM change_sets ORDER BY version').all() as {
        version: number
        data: Buffer
      }[]
      db.close()
      // block 1's is the carried one; block 2 carried `null` (nothing changed): no row
      expect(sets.map((r) => [r.version, r.data.toString('hex')])).toEqual([
        [blockVersion(1), carried.toString('hex')],
      ])
    } finally {
      await writer.close()
      store.close()
    }
  })

  it('a read at an older block is right while another connection commits the next block mid-read', () => {
    const { path, store, commits } = prepared('midread.db')
    const writer = new ChainStore({ path })
    // the commit writer's COMMIT of `next` lands right after the history lookup of a read at an older block
    let next: BlockCommit | undefined
    type Lookup = (...args: unknown[]) => unknown
    const history = (store as unknown as { history: Record<'accountAt' | 'storageAt', Lookup> }).history
    for (const name of ['accountAt', 'storageAt'] as const) {
      const lookup = history[name].bind(history)
      history[name] = (...args) => {
        const past = lookup(...args)
        if (next) writer.commitBlock(next)
        next = undefined
        return past
      }
    }
    try {
      next = commits[0]
      expect(store.accountAt(A, 0n)).toBeUndefined()
      expect(store.head()?.number).toBe(1n)
      expect(store.readAccount(A)?.nonce).toBe(1n)
      next = commits[1]
      expect(store.storageAt(A, slot(2), 1n)).toBe(slot(0))
      expect(store.head()?.number).toBe(2n)
      expect(store.readStorage(A, slot(2))).toBe(slot(42))
    } finally {
      writer.close()
      store.close()
    }
  })

  it('refuses a query as an extension row, and an in-memory database, with clear errors', async () => {
    const { store, commits } = prepared('query.db')
    try {
      expect(() => store.commitBlock({ ...commits[0]!, rows: [{ sql: 'SELECT 1', params: [] }] })).toThrow(
        /query, not a write/,
      )
      expect(store.head()?.number).toBe(0n)
    } finally {
      store.close()
    }
    await expect(CommitWriter.open({ path: ':memory:' })).rejects.toThrow(/database file/)
  })

  it('after close, commit rejects and nothing is queued', async () => {
    const { path, store, commits } = prepared('closed.db')
    const writer = await CommitWriter.open({ path })
    await writer.close()
    await expect(writer.commit(commits[0]!)).rejects.toThrow(/closed/)
    expect(writer.depth).toBe(0)
    expect(store.head()?.number).toBe(0n)
    store.close()
  })
})
