import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hex } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { hashHeader } from '../../src/block.js'
import { openCommittedState } from '../../src/committedState.js'
import { ChainStore } from '../../src/store.js'
import type { StoreExtension } from '../../src/storeExtension.js'
import { header, storeWithGenesis } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-store-ext-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const v1: StoreExtension['migrations'][number] = (db) =>
  db.exec('CREATE TABLE IF NOT EXISTS notes_items (id INTEGER PRIMARY KEY, text TEXT NOT NULL)')
const v2: StoreExtension['migrations'][number] = (db) => {
  db.exec('ALTER TABLE notes_items ADD COLUMN tag TEXT')
  db.prepare("UPDATE notes_items SET tag = 'old'").run()
}

describe('ChainStore extensions', () => {
  it('creates an extension’s tables at registration and records its version in the meta table', () => {
    const store = new ChainStore({ path: ':memory:' })
    expect(store.extensionVersion('notes')).toBe(0)
    const notes = store.registerExtension({ name: 'notes', migrations: [v1] })
    expect(notes.version).toBe(1)
    expect(store.extensionVersion('notes')).toBe(1)
    expect(store.getMeta('extension.notes')).toBe('1')
    notes.prepare('INSERT INTO notes_items (text) VALUES (?)').run('a')
    expect(notes.prepare('SELECT text FROM notes_items').pluck().all()).toEqual(['a'])
    // Registering again runs nothing (the table exists; a second CREATE without IF NOT EXISTS would throw).
    const again = store.registerExtension({
      name: 'notes',
      migrations: [(db) => db.exec('CREATE TABLE notes_items (id INTEGER)')],
    })
    expect(again.version).toBe(1)
    store.close()
  })

  it('upgrades an older version in place, keeping rows, and only runs the missing migrations', () => {
    const path = join(dir, 'upgrade.db')
    const old = new ChainStore({ path })
    old
      .registerExtension({ name: 'notes', migrations: [v1] })
      .prepare('INSERT INTO notes_items (text) VALUES (?)')
      .run('kept')
    old.close()
    const store = new ChainStore({ path })
    let ran = 0
    const notes = store.registerExtension({
      name: 'notes',
      migrations: [
        v1,
        (db) => {
          ran++
          v2(db)
        },
      ],
    })
    expect(ran).toBe(1)
    expect(notes.version).toBe(2)
    expect(notes.prepare('SELECT text, tag FROM notes_items').all()).toEqual([{ text: 'kept', tag: 'old' }])
    store.close()
  })

  it('a failing migration leaves neither its tables nor a new version behind', () => {
    const store = new ChainStore({ path: ':memory:' })
    const failing = () =>
      store.registerExtension({
        name: 'notes',
        migrations: [
          v1,
          (db) => {
            db.exec('CREATE TABLE notes_more (id INTEGER)')
            db.exec('SELECT * FROM no_such_table')
          },
        ],
      })
    expect(failing).toThrow(/no_such_table/)
    expect(store.extensionVersion('notes')).toBe(0)
    const probe = store.registerExtension({ name: 'probe', migrations: [] })
    expect(probe.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'notes%'").pluck().all()).toEqual([])
    store.close()
  })

  it('refuses a data dir whose extension is newer than the code, with a coded error', () => {
    const path = join(dir, 'newer.db')
    const newer = new ChainStore({ path })
    newer.registerExtension({ name: 'notes', migrations: [v1, v2] })
    newer.close()
    const store = new ChainStore({ path })
    let error: unknown
    try {
      store.registerExtension({ name: 'notes', migrations: [v1] })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({
      code: 'STORE_EXTENSION_TOO_NEW',
      name: 'StoreExtensionTooNewError',
      stored: 2,
      supported: 1,
    })
    expect(store.extensionVersion('notes')).toBe(2)
    store.close()
  })

  it('refuses a bad name and a meta value that is not a version', () => {
    const store = new ChainStore({ path: ':memory:' })
    expect(() => store.registerExtension({ name: 'Bad-Name', migrations: [] })).toThrow(
      expect.objectContaining({ code: 'STORE_EXTENSION_INVALID' }),
    )
    store.setMeta('extension.notes', 'two')
    expect(() => store.registerExtension({ name: 'notes', migrations: [v1] })).toThrow(
      expect.objectContaining({ code: 'STORE_EXTENSION_VERSION' }),
    )
    store.close()
  })

  it('writes through an extension land with the block in one store transaction, or not at all', () => {
    const path = join(dir, 'atomic.db')
    const store = storeWithGenesis(path)
    const notes = store.registerExtension({ name: 'notes', migrations: [v1] })
    const add = notes.prepare('INSERT INTO notes_items (text) VALUES (?)')
    const count = notes.prepare('SELECT COUNT(*) FROM notes_items').pluck()
    const g = store.head()
    if (!g) throw new Error('no genesis')
    const h1 = header(1n, g.hash)
    const commit = {
      header: h1,
      hash: hashHeader(h1),
      txs: [],
      receipts: [],
      writeSet: { accounts: new Map(), storage: new Map(), code: new Map() },
      mempoolRemovals: [] as Hex[],
    }
    expect(() =>
      store.transaction(() => {
        store.commitBlock(commit)
        add.run('with block 1')
        throw new Error('crash before the end of the block')
      }),
    ).toThrow(/crash/)
    expect(store.head()?.number).toBe(0n)
    expect(count.get()).toBe(0)
    notes.transaction(() => {
      store.commitBlock(commit)
      add.run('with block 1')
    })
    expect(store.head()?.number).toBe(1n)
    expect(count.get()).toBe(1)
    // Workers' read-only connection still opens and reads the same file.
    const reader = openCommittedState({ path })
    expect(reader.root()).toBe(store.head()?.stateRoot)
    reader.close()
    store.close()
  })
})
