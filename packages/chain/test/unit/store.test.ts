import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogsBloom, type Receipt } from '@rollup-mesh/core'
import Database from 'better-sqlite3'
import { type Address, type Hex, hexToBytes, numberToHex } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/block.js'
import { openCommittedState } from '../../src/committedState.js'
import { SQLiteStateView } from '../../src/state.js'
import { ChainStore } from '../../src/store.js'
import { EMPTY_CODE_HASH, header, keys, storeWithGenesis } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const A = '0x00000000000000000000000000000000000000aa' as Address
const T0 = `0x${'aa'.repeat(32)}` as Hex
const T1 = `0x${'bb'.repeat(32)}` as Hex

function receipt(hash: Hex, i: number, logs: Receipt['logs']): Receipt {
  return {
    transactionHash: hash,
    transactionIndex: i,
    from: keys[0]!.address.toLowerCase() as Address,
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
  }
}

describe('ChainStore', () => {
  it('commits a block with txs, receipts, logs and state in one transaction, and reads them back after reopening', () => {
    const path = join(dir, 'a.db')
    const store = storeWithGenesis(path)
    const g = store.head()!
    const h1 = header(1n, g.hash)
    const txs = [
      {
        hash: `0x${'01'.repeat(32)}` as Hex,
        raw: '0x02c0' as Hex,
        from: keys[0]!.address.toLowerCase() as Address,
        to: A,
      },
      {
        hash: `0x${'02'.repeat(32)}` as Hex,
        raw: '0x02c1' as Hex,
        from: keys[0]!.address.toLowerCase() as Address,
        to: A,
      },
    ]
    store.poolPut(txs.map((t, i) => ({ hash: t.hash, raw: t.raw, from: t.from, seq: i })))
    store.commitBlock({
      header: h1,
      hash: hashHeader(h1),
      txs,
      receipts: [
        receipt(txs[0]!.hash, 0, [{ address: A, topics: [T0, T1], data: '0x01' }]),
        receipt(txs[1]!.hash, 1, [
          { address: A, topics: [T1], data: '0x02' },
          { address: keys[1]!.address as Address, topics: [T0], data: '0x03' },
        ]),
      ],
      writeSet: {
        accounts: new Map([[A, { nonce: 1n, balance: 5n, codeHash: EMPTY_CODE_HASH, vm: 'wasm' as const }]]),
        storage: new Map([[A, new Map<Hex, Hex>([[`0x${'00'.repeat(31)}01`, `0x${'00'.repeat(31)}2a`]])]]),
        code: new Map([[`0x${'cc'.repeat(32)}` as Hex, new Uint8Array([1, 2, 3])]]),
      },
      mempoolRemovals: [txs[0]!.hash],
    })
    store.close()

    const again = new ChainStore({ path })
    expect(again.head()?.number).toBe(1n)
    expect(again.head()?.hash).toBe(hashHeader(h1))
    expect(again.getHeaderByHash(hashHeader(h1))?.parentHash).toBe(g.hash)
    expect(again.getBlockTxs(1n).map((t) => t.hash)).toEqual(txs.map((t) => t.hash))
    expect(again.getReceipt(txs[1]!.hash)?.receipt.logs).toHaveLength(2)
    expect(again.firstLogIndex(1n, 1)).toBe(1)
    expect(again.getReceipt(txs[0]!.hash)?.firstLogIndex).toBe(0)
    expect(again.getReceipt(txs[1]!.hash)?.firstLogIndex).toBe(1)
    expect(again.readAccount(A)).toEqual({ nonce: 1n, balance: 5n, codeHash: EMPTY_CODE_HASH, vm: 'wasm' })
    expect(again.readStorage(A, '0x1')).toBe(`0x${'00'.repeat(31)}2a`)
    expect(again.readCode(`0x${'cc'.repeat(32)}`)).toEqual(new Uint8Array([1, 2, 3]))
    expect(again.poolAll().map((p) => p.hash)).toEqual([txs[1]!.hash])
    const q = {
      fromBlock: 0n,
      toBlock: 1n,
      addresses: [] as Address[],
      topics: [] as (Hex[] | null)[],
      limit: 100,
    }
    expect(again.getLogs(q)).toHaveLength(3)
    expect(again.getLogs({ ...q, addresses: [A] }).map((l) => l.data)).toEqual(['0x01', '0x02'])
    expect(again.getLogs({ ...q, topics: [[T1]] }).map((l) => l.logIndex)).toEqual([1])
    expect(again.getLogs({ ...q, topics: [null, [T1]] }).map((l) => l.data)).toEqual(['0x01'])
    expect(again.getLogs({ ...q, topics: [[T0, T1]] })).toHaveLength(3)
    expect(again.getLogs({ ...q, fromBlock: 2n, toBlock: 5n })).toHaveLength(0)
    again.close()
  })

  it('a read-only reader on another connection sees exactly the committed state and its root', () => {
    const path = join(dir, 'reader.db')
    const store = storeWithGenesis(path)
    const reader = openCommittedState({ path })
    try {
      const g = store.head()!
      expect(reader.root()).toBe(g.stateRoot)
      const slot = `0x${'00'.repeat(31)}07` as Hex
      expect(reader.getAccount(A)).toBeUndefined()
      expect(reader.getStorage(A, '0x7')).toBe(`0x${'00'.repeat(32)}`)
      const h1 = { ...header(1n, g.hash), stateRoot: `0x${'ab'.repeat(32)}` as Hex }
      store.commitBlock({
        header: h1,
        hash: hashHeader(h1),
        txs: [],
        receipts: [],
        writeSet: {
          accounts: new Map([
            [A, { nonce: 2n, balance: 9n, codeHash: `0x${'cc'.repeat(32)}`, vm: 'evm' as const }],
          ]),
          storage: new Map([[A, new Map<Hex, Hex>([[slot, `0x${'00'.repeat(31)}2a`]])]]),
          code: new Map([[`0x${'cc'.repeat(32)}` as Hex, new Uint8Array([9, 8])]]),
        },
        mempoolRemovals: [],
      })
      // The writer's commit is visible at once (WAL), with the new head's root.
      expect(reader.root()).toBe(h1.stateRoot)
      expect(reader.getAccount(A)).toEqual(store.readAccount(A))
      expect(reader.getStorage(A, '0x7')).toBe(`0x${'00'.repeat(31)}2a`)
      expect(reader.getCode(`0x${'cc'.repeat(32)}`)).toEqual(new Uint8Array([9, 8]))
      expect(reader.getCode(EMPTY_CODE_HASH)).toEqual(new Uint8Array(0))
    } finally {
      reader.close()
      store.close()
    }
  })

  it('with checkpointIntervalMs, a background thread copies committed WAL frames into the database file', async () => {
    const path = join(dir, 'checkpoint.db')
    const store = new ChainStore({ path, checkpointIntervalMs: 20 })
    try {
      const g = header(0n, `0x${'00'.repeat(32)}`)
      const slots = new Map<Hex, Hex>()
      for (let i = 1; i <= 4000; i++) slots.set(numberToHex(i, { size: 32 }), numberToHex(i, { size: 32 }))
      const before = statSync(path).size
      store.commitBlock({
        header: g,
        hash: hashHeader(g),
        txs: [],
        receipts: [],
        writeSet: { accounts: new Map(), storage: new Map([[A, slots]]), code: new Map() },
        mempoolRemovals: [],
      })
      // The commit itself only appended to the WAL (its own auto-checkpoint mark is far away)...
      expect(statSync(path).size).toBe(before)
      // ...and the checkpointer thread moved the pages into the database file.
      const deadline = Date.now() + 5_000
      while (statSync(path).size === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20))
      expect(statSync(path).size).toBeGreaterThan(before + 100_000)
      expect(store.readStorage(A, numberToHex(4000, { size: 32 }))).toBe(numberToHex(4000, { size: 32 }))
    } finally {
      store.close()
    }
  })

  it('close() returns once the checkpointer has let go: the store is whole and its files can go at once', async () => {
    for (let round = 0; round < 5; round++) {
      const sub = mkdtempSync(join(dir, 'close-'))
      const path = join(sub, 'chain.db')
      const store = new ChainStore({ path, checkpointIntervalMs: 1 })
      const g = header(0n, `0x${'00'.repeat(32)}`)
      store.commitBlock({
        header: g,
        hash: hashHeader(g),
        txs: [],
        receipts: [],
        writeSet: {
          accounts: new Map(),
          storage: new Map([[A, new Map<Hex, Hex>([[T0, T1]])]]),
          code: new Map(),
        },
        mempoolRemovals: [],
      })
      // Right away (the thread may not have opened its connection yet) or once it has been checkpointing.
      await new Promise((r) => setTimeout(r, round % 2 === 0 ? 0 : 100))
      store.close()
      // The store's own close was the last connection: it folded the WAL in and removed it.
      expect(existsSync(`${path}-wal`)).toBe(false)
      rmSync(sub, { recursive: true })
    }
  })

  it('a committed-state reader needs an existing store (it never creates one)', () => {
    expect(() => openCommittedState({ path: join(dir, 'missing.db') })).toThrow()
  })

  /**
   * A store as schema `version` wrote it: `txs` and `mempool` keyed by hash (WITHOUT ROWID), receipts with
   * their bloom, and (version 1) no `first_log` column.
   */
  function oldStore(path: string, version: '1' | '2') {
    const store = storeWithGenesis(path)
    const g = store.head()!
    const h1 = header(1n, g.hash)
    const txs = [0, 1].map((i) => ({
      hash: `0x${String(i + 1)
        .padStart(2, '0')
        .repeat(32)}` as Hex,
      raw: '0x02c0' as Hex,
      from: keys[0]!.address.toLowerCase() as Address,
      to: A,
    }))
    const log = { address: A, topics: [T0], data: '0x' as Hex }
    const receipts = [receipt(txs[0]!.hash, 0, [log, log]), receipt(txs[1]!.hash, 1, [log])]
    store.commitBlock({
      header: h1,
      hash: hashHeader(h1),
      txs,
      receipts,
      writeSet: { accounts: new Map(), storage: new Map(), code: new Map() },
      mempoolRemovals: [],
    })
    const pooled = { hash: `0x${'0c'.repeat(32)}` as Hex, raw: '0x02c2' as Hex, from: A, seq: 7 }
    store.poolPut([pooled])
    const firstLog = version === '1' ? '' : ', first_log INTEGER'
    store.close()
    // Rewritten over a connection of the test's own: the store keeps its connection private.
    const raw = new Database(path)
    raw.exec(`
      CREATE TABLE txs_old (hash TEXT PRIMARY KEY, block_number INTEGER NOT NULL, idx INTEGER NOT NULL,
        raw TEXT NOT NULL, sender TEXT NOT NULL, recipient TEXT, receipt TEXT NOT NULL${firstLog}) WITHOUT ROWID;
      INSERT INTO txs_old SELECT hash, block_number, idx, raw, sender, recipient,
        json_set(receipt, '$.logsBloom', '${receipts[0]!.logsBloom}')${firstLog ? ', first_log' : ''} FROM txs;
      DROP TABLE txs;
      ALTER TABLE txs_old RENAME TO txs;
      CREATE INDEX txs_block ON txs (block_number, idx);
      CREATE TABLE mempool_old (hash TEXT PRIMARY KEY, raw TEXT NOT NULL, sender TEXT NOT NULL,
        seq INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO mempool_old SELECT hash, raw, sender, seq FROM mempool;
      DROP TABLE mempool;
      ALTER TABLE mempool_old RENAME TO mempool;
    `)
    raw.prepare('UPDATE meta SET value = ? WHERE key = ?').run(version, 'schema')
    raw.close()
    return { txs, receipts, pooled, head: hashHeader(h1) }
  }

  for (const version of ['1', '2'] as const)
    it(`upgrades a version-${version} store in place: transactions, receipts and the pool are kept, and blocks commit after`, () => {
      const path = join(dir, `v${version}.db`)
      const old = oldStore(path, version)
      const upgraded = new ChainStore({ path })
      expect(upgraded.getMeta('schema')).toBe('5')
      // state history starts at the head the upgrade found: older blocks are outside the window
      expect(upgraded.oldestStateBlock()).toBe(1n)
      expect(() => upgraded.checkStateAvailable(0n)).toThrow(
        'the oldest block whose state this node keeps is 1',
      )
      // Version 1 rows count their first log index; version 2 rows carry it.
      expect(upgraded.getReceipt(old.txs[1]!.hash)?.firstLogIndex).toBe(2)
      expect(upgraded.getReceipt(old.txs[0]!.hash)?.receipt.logsBloom).toBe(old.receipts[0]!.logsBloom)
      expect(upgraded.getBlockTxs(1n).map((t) => t.hash)).toEqual(old.txs.map((t) => t.hash))
      expect(upgraded.poolAll()).toEqual([old.pooled])
      const h2 = header(2n, old.head)
      const tx = { hash: `0x${'03'.repeat(32)}` as Hex, raw: '0x02c3' as Hex, from: A, to: A }
      upgraded.commitBlock({
        header: h2,
        hash: hashHeader(h2),
        txs: [tx],
        receipts: [receipt(tx.hash, 0, [])],
        writeSet: { accounts: new Map(), storage: new Map(), code: new Map() },
        mempoolRemovals: [old.pooled.hash],
      })
      expect(upgraded.getTx(tx.hash)?.blockNumber).toBe(2n)
      expect(upgraded.poolAll()).toEqual([])
      upgraded.close()
    })

  it('stores receipts without their bloom and derives it from the logs on read', () => {
    const store = storeWithGenesis()
    const g = store.head()!
    const h1 = header(1n, g.hash)
    const tx = { hash: `0x${'04'.repeat(32)}` as Hex, raw: '0x02c4' as Hex, from: A, to: A }
    const logs = [{ address: A, topics: [T0, T1], data: '0x01' as Hex }]
    store.commitBlock({
      header: h1,
      hash: hashHeader(h1),
      txs: [tx],
      receipts: [receipt(tx.hash, 0, logs)],
      writeSet: { accounts: new Map(), storage: new Map(), code: new Map() },
      mempoolRemovals: [],
    })
    const probe = store.registerExtension({ name: 'test_probe', migrations: [] })
    const stored = probe.prepare('SELECT receipt FROM txs WHERE hash = ?').pluck().get(tx.hash) as string
    expect(stored).not.toContain('logsBloom')
    const bloom = new LogsBloom()
    bloom.bits.set(hexToBytes(store.getReceipt(tx.hash)!.receipt.logsBloom))
    for (const v of [A, T0, T1]) expect(bloom.has(hexToBytes(v))).toBe(true)
    expect(bloom.has(hexToBytes(`0x${'cc'.repeat(32)}`))).toBe(false)
    store.close()
  })

  it('a failing commit leaves no half-written block', () => {
    const store = storeWithGenesis()
    const g = store.head()!
    const h1 = header(1n, g.hash)
    expect(() =>
      store.commitBlock({
        header: h1,
        hash: hashHeader(h1),
        txs: [{ hash: `0x${'01'.repeat(32)}`, raw: '0x02', from: A, to: A }],
        receipts: [], // missing receipt: the commit throws midway
        writeSet: {
          accounts: new Map([[A, { nonce: 9n, balance: 9n, codeHash: EMPTY_CODE_HASH, vm: 'evm' as const }]]),
          storage: new Map(),
          code: new Map(),
        },
        mempoolRemovals: [],
      }),
    ).toThrow(/no receipt/)
    expect(store.head()?.number).toBe(0n)
    expect(store.getTx(`0x${'01'.repeat(32)}`)).toBeUndefined()
    expect(store.readAccount(A)).toBeUndefined()
  })

  it('the cached state view serves repeated reads from memory and sees commits', () => {
    const store = storeWithGenesis()
    const view = new SQLiteStateView(store)
    const addr = keys[0]!.address as Address
    expect(view.getAccount(addr)?.balance).toBe(10n ** 21n)
    for (let i = 0; i < 100; i++) view.getAccount(addr)
    expect(view.getStorage(A, '0x01')).toBe(`0x${'00'.repeat(32)}`)
    view.getStorage(A, `0x${'00'.repeat(31)}01`)
    expect(view.misses).toBe(2)
    expect(view.hits).toBe(101)
    const ws = {
      accounts: new Map([
        [
          addr.toLowerCase() as Address,
          { nonce: 1n, balance: 1n, codeHash: EMPTY_CODE_HASH, vm: 'evm' as const },
        ],
      ]),
      storage: new Map([[A, new Map<Hex, Hex>([[`0x${'00'.repeat(31)}01`, `0x${'00'.repeat(31)}07`]])]]),
      code: new Map(),
    }
    const h1 = header(1n, store.head()!.hash)
    store.commitBlock({
      header: h1,
      hash: hashHeader(h1),
      txs: [],
      receipts: [],
      writeSet: ws,
      mempoolRemovals: [],
    })
    view.apply(ws)
    expect(view.getAccount(addr)?.nonce).toBe(1n)
    expect(view.getStorage(A, '0x1')).toBe(`0x${'00'.repeat(31)}07`)
    expect(view.getCode(EMPTY_CODE_HASH)).toEqual(new Uint8Array(0))
    // A fresh view over the same store agrees with the cache.
    expect(new SQLiteStateView(store).getStorage(A, '0x01')).toBe(`0x${'00'.repeat(31)}07`)
  })
})
