import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet, simulateCall } from '@rollup-mesh/dual-vm'
import Database from 'better-sqlite3'
import { type Address, type Hex, parseEther } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { Chain } from '../../src/chain.js'
import { CommitWriter } from '../../src/commitWriter.js'
import { createEthMethods } from '../../src/rpc/eth.js'
import type { SealedBlock } from '../../src/sealedBlock.js'
import { ChainStore } from '../../src/store.js'
import type { BlockCommit } from '../../src/storeTypes.js'
import { CHAIN_ID, keys, signTx } from './helpers.js'

// [throughput] item 1: with a commit writer, block N commits on its own thread while N+1 executes. The
// chain it builds must be the one an inline chain builds, and nothing a client reads may run ahead of N's
// durability.

const dir = mkdtempSync(join(tmpdir(), 'chain-overlap-'))
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const f of cleanup.reverse()) await f()
  rmSync(dir, { recursive: true, force: true })
})

const GENESIS_TIME = 1_700_000_000n
const senders = [0, 1]
const recipient = (round: number, s: number): Address =>
  `0x${(0xbeef0000 + round * 16 + s).toString(16).padStart(40, '0')}` as Address

async function openChain(
  name: string,
  writer: boolean,
  cacheEntries = 2,
): Promise<{ chain: Chain; path: string; sent: BlockCommit[] }> {
  const path = join(dir, name)
  const store = new ChainStore({ path })
  const commitWriter = writer ? await CommitWriter.open({ path }) : undefined
  // what the block thread hands the writer
  const sent: BlockCommit[] = []
  if (commitWriter) {
    const commit = commitWriter.commit.bind(commitWriter)
    commitWriter.commit = (c) => {
      sent.push(c)
      return commit(c)
    }
  }
  const { writeSet, stateRoot } = genesisWriteSet(
    Object.fromEntries(senders.map((s) => [keys[s]!.address.toLowerCase(), { balance: parseEther('100') }])),
  )
  const chain = new Chain(
    // a tiny state cache (the default here): reads of the block the writer holds must come from its
    // kept-aside writes; a large one: the history's before-values come from the cache
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n, stateCacheEntries: cacheEntries },
    {
      store,
      executor: createSerialExecutor(),
      simulateCall: (p) => simulateCall(p),
      ...(commitWriter ? { commitWriter } : {}),
    },
  )
  await chain.open({ writeSet, stateRoot, timestamp: GENESIS_TIME })
  cleanup.push(async () => {
    await chain.idle()
    await commitWriter?.close()
    store.close()
  })
  return { chain, path, sent }
}

/** Round `r`'s transfers: each sender pays a fresh recipient (its nonce is the round). */
function roundTxs(r: number): Promise<Hex[]> {
  return Promise.all(
    senders.map((s) => signTx(s, { nonce: r, to: recipient(r, s), value: BigInt(1000 + r) })),
  )
}

const ROUNDS = 4

describe('commit writer: block N commits while N+1 executes', () => {
  it.each([2, 500_000])(
    'builds the same chain as inline commits: block hashes, state roots, receipts, stored rows (state cache of %i entries)',
    async (cacheEntries) => {
      const inline = await openChain(`inline-${cacheEntries}.db`, false, cacheEntries)
      const writer = await openChain(`writer-${cacheEntries}.db`, true, cacheEntries)
      const rounds = await Promise.all(Array.from({ length: ROUNDS }, (_, r) => roundTxs(r)))
      for (let r = 0; r < ROUNDS; r++) {
        for (const raw of rounds[r]!) await inline.chain.mempool.add(raw)
        await inline.chain.produceBlock(GENESIS_TIME + BigInt(r + 1))
      }
      const durable: Promise<SealedBlock>[] = []
      for (let r = 0; r < ROUNDS; r++) {
        // accepted against the tip: the nonce of the block the writer holds counts
        for (const raw of rounds[r]!) await writer.chain.mempool.add(raw)
        const { block, durable: d } = await writer.chain.sealBlock(GENESIS_TIME + BigInt(r + 1))
        durable.push(d)
        // the block is the tip; the head (what RPC serves) waits for the writer
        expect(block).toBe(BigInt(r + 1))
        expect(writer.chain.tip().number).toBe(BigInt(r + 1))
        expect(writer.chain.head().number).toBe(BigInt(r))
      }
      const sealed = await Promise.all(durable)
      expect(sealed.map((b) => b.header.number)).toEqual([1n, 2n, 3n, 4n])
      expect(sealed.every((b) => b.stages.write !== undefined && b.queues.writer !== undefined)).toBe(true)
      expect(writer.chain.head().number).toBe(BigInt(ROUNDS))
      for (let n = 1n; n <= BigInt(ROUNDS); n++) {
        const a = inline.chain.store.getHeaderByNumber(n)!
        const b = writer.chain.store.getHeaderByNumber(n)!
        expect(b.hash).toBe(a.hash)
        expect(b.stateRoot).toBe(a.stateRoot)
        expect(b.txCount).toBe(2)
        for (const t of inline.chain.store.getBlockTxs(n))
          expect(writer.chain.store.getReceipt(t.hash)?.receipt).toEqual(
            inline.chain.store.getReceipt(t.hash)?.receipt,
          )
      }
      expect(writer.chain.head()).toEqual(inline.chain.head())
      await inline.chain.idle()
      await writer.chain.idle()
      for (const table of ['blocks', 'txs', 'logs', 'accounts', 'storage', 'code', 'change_sets', 'mempool'])
        expect(rows(writer.path, table), table).toEqual(rows(inline.path, table))
      // the history's change sets went with the commits, encoded on the block thread (from its cache,
      // misses read on its own connection): the writer read no before-values
      expect(writer.sent.map((c) => typeof c.changeSet === 'string')).toEqual([true, true, true, true])
    },
  )

  it('announces a block only once durable: a read in the `block` listener sees head, receipt, balance', async () => {
    const { chain, path } = await openChain('announce.db', true)
    const eth = createEthMethods(chain)
    const reader = new Database(path, { readonly: true })
    cleanup.push(() => reader.close())
    const seen: { block: bigint; stored: boolean; receipts: boolean; head: bigint }[] = []
    chain.events.on('block', (b) => {
      // what a read worker's connection (a read-only one of its own) sees the moment `newHeads` goes out
      const stored = reader
        .prepare('SELECT hash FROM blocks WHERE number = ?')
        .pluck()
        .get(Number(b.header.number))
      const receipts = b.txs.every(
        (t) => reader.prepare('SELECT 1 FROM txs WHERE hash = ?').get(t.hash) !== undefined,
      )
      seen.push({
        block: b.header.number,
        stored: stored === b.header.hash,
        receipts,
        head: chain.head().number,
      })
    })
    const [raw] = await roundTxs(0)
    await chain.mempool.add(raw!)
    const to = recipient(0, 0)
    const { durable } = await chain.sealBlock(GENESIS_TIME + 1n)
    // held by the writer: RPC's head and `latest` state are still block 0's (the store's own rows appear
    // once the writer's COMMIT returns, durable: what read workers serve)
    expect(await eth.eth_blockNumber!([], {})).toBe('0x0')
    expect(await eth.eth_getBalance!([to, 'latest'], {})).toBe('0x0')
    const sealed = await durable
    expect(seen).toEqual([{ block: 1n, stored: true, receipts: true, head: 1n }])
    const hash = sealed.txs[0]!.hash
    expect(chain.store.getReceipt(hash)?.receipt.status).toBe(1)
    expect(chain.store.getLogs({ fromBlock: 1n, toBlock: 1n, addresses: [], topics: [], limit: 10 })).toEqual(
      [],
    )
    expect(await eth.eth_blockNumber!([], {})).toBe('0x1')
    expect(await eth.eth_getBalance!([to, 'latest'], {})).toBe('0x3e8')
    expect(await eth.eth_getBalance!([to, '0x1'], {})).toBe('0x3e8')
  })
})

/** A table's rows, sorted. */
function rows(path: string, table: string): string[] {
  const db = new Database(path, { readonly: true })
  try {
    return db
      .prepare(`SELECT * FROM ${table}`)
      .all()
      .map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
      .sort()
  } finally {
    db.close()
  }
}
