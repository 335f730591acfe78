import { type Chain, depositTx, type SealedBlock, type SignedTx } from '@rollup-mesh/chain'
import {
  createSilentLogger,
  type ExitBatch,
  keccak256,
  type Logger,
  type Startable,
  SYSTEM_ADDRESSES,
  spnNetworkName,
} from '@rollup-mesh/core'
import type { P2P } from '@rollup-mesh/p2p'
import {
  EXIT_TREE_DEPTH,
  ExitTree,
  exitLeafHash,
  hashPair,
  SETTLEMENT_BATCH_SIZE,
  verifyExitProof,
} from '@rollup-mesh/zk-bridge'
import type Database from 'better-sqlite3'
import {
  type Address,
  createPublicClient,
  decodeErrorResult,
  decodeEventLog,
  decodeFunctionResult,
  encodeAbiParameters,
  encodeFunctionData,
  type Hash,
  type Hex,
  http,
  numberToHex,
  type PublicClient,
  parseAbiItem,
} from 'viem'
import { createRoundLoop } from '../rounds.js'
import { spnMailboxAbi } from '../settlement/mailbox.generated.js'

/** The main net's Mailbox (finalized exit roots per SPN; packages/mainnet's genesis). */
/** Who sends deliveries: OP Stack's depositor address, the only caller the SPN Mailbox accepts for them. */

const exitRootFinalized = parseAbiItem(
  'event ExitRootFinalized(uint64 indexed spnId, bytes32 indexed exitRoot, uint64 settlementIndex, uint64 toBlock, uint64 startIndex, uint64 leafCount)',
)

/** The p2p network name SPN `id` serves its exit batches under. */

export type DeliveryServiceOptions = {
  chain: Chain
  /** This SPN's numeric id (messages with this `dstSpn` are delivered here). */
  spnId: bigint
  mainnetRpcUrl: string
  /** Where exit batches come from (request/response to the source SPN's node). */
  p2p: () => P2P | undefined
  /** How often the main net is polled for finalized exit roots (gossip also wakes the service). Default 250 ms. */
  pollMs?: number
  /** Most deliveries per block. Default 64. */
  maxPerBlock?: number
  /** Gas of one delivery deposit (the recipient gets all of it but the Mailbox's reserve). Default 1,500,000. */
  deliveryGas?: bigint
  logger?: Logger
}

/** Where a message addressed to this SPN stands. */
export type InboxStatus = 'queued' | 'delivered' | 'failed' | 'error'

export type InboxMessage = {
  srcSpn: bigint
  position: bigint
  sender: Address
  to: Address
  value: bigint
  data: Hex
  /** The finalized exit root its proof is against. */
  root: Hash
  settlementIndex: bigint
  status: InboxStatus
  /** The delivery deposit, once included. */
  txHash: Hash | undefined
  block: bigint | undefined
  /** Why the last delivery attempt reverted (status `error`). */
  error: string | undefined
}

/** An inbox message as `mesh_getInbox` returns it (quantities as hex, absent values as null). */
export type InboxEntryJSON = {
  srcSpn: Hex
  position: Hex
  sender: Address
  to: Address
  value: Hex
  data: Hex
  root: Hash
  settlementIndex: Hex
  status: InboxStatus
  transactionHash: Hash | null
  blockNumber: Hex | null
  error: string | null
}

export function inboxEntryJSON(m: InboxMessage): InboxEntryJSON {
  return {
    srcSpn: numberToHex(m.srcSpn),
    position: numberToHex(m.position),
    sender: m.sender,
    to: m.to,
    value: numberToHex(m.value),
    data: m.data,
    root: m.root,
    settlementIndex: numberToHex(m.settlementIndex),
    status: m.status,
    transactionHash: m.txHash ?? null,
    blockNumber: m.block === undefined ? null : numberToHex(m.block),
    error: m.error ?? null,
  }
}

export type DeliveryService = Startable & {
  /** One round now: follow the main net, fetch and check new exit batches (tests, gossip). */
  tick(): Promise<void>
  messages(filter?: { status?: InboxStatus }): InboxMessage[]
  /** Counts by status, and the main-net block the service has read up to. */
  status(): { queued: number; delivered: number; failed: number; error: number; mainnetBlock: bigint }
  /**
   * Queues a message for delivery again although it was handled (an operator repair tool; the Mailbox's
   * nullifier makes the second delivery fail, which is what tests check).
   */
  requeue(srcSpn: bigint, position: bigint): void
}

type InboxRow = {
  src: number
  position: number
  root: string
  settlement_index: number
  message: string
  siblings: string
  status: InboxStatus
  attempts: number
  tx_hash: string | null
  block: number | null
  error: string | null
}

type RootRow = {
  src: number
  settlement_index: number
  root: string
  start_index: number
  leaf_count: number
  status: 'fetch' | 'ready'
}

type Pending = { kind: 'import' } | { kind: 'deliver'; src: number; position: number }

const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))

/**
 * Checks an exit batch against the root the main net finalized for it and returns, for each of its
 * messages, the inclusion proof against that root. The batch is unauthenticated data from a peer: the
 * leaves recomputed from its messages, appended to its start frontier, must give exactly `root`.
 */
export function checkExitBatch(
  batch: ExitBatch,
  expected: { srcSpn: bigint; root: Hash; startIndex: bigint; leafCount: bigint },
): { position: bigint; siblings: bigint[]; message: ExitBatch['messages'][number] }[] {
  if (batch.spnId !== expected.srcSpn)
    throw new Error(`exit batch is of SPN ${batch.spnId}, expected ${expected.srcSpn}`)
  if (batch.startIndex !== expected.startIndex)
    throw new Error(`exit batch starts at ${batch.startIndex}, the settlement at ${expected.startIndex}`)
  if (BigInt(batch.messages.length) !== expected.leafCount)
    throw new Error(`exit batch has ${batch.messages.length} messages, the settlement ${expected.leafCount}`)
  if (batch.startFrontier.length !== EXIT_TREE_DEPTH)
    throw new Error(
      `exit batch frontier has ${batch.startFrontier.length} nodes, expected ${EXIT_TREE_DEPTH}`,
    )
  const leaves = batch.messages.map((m, i) => {
    if (m.position !== batch.startIndex + BigInt(i))
      throw new Error(
        `exit batch message ${i} is at position ${m.position}, expected ${batch.startIndex + BigInt(i)}`,
      )
    if (m.srcSpn !== expected.srcSpn) throw new Error(`exit batch message ${i} is from SPN ${m.srcSpn}`)
    return exitLeafHash({
      srcSpn: m.srcSpn,
      position: m.position,
      dstSpn: m.dstSpn,
      to: m.to,
      sender: m.sender,
      value: m.value,
      data: m.data,
    })
  })
  const tree = ExitTree.fromFrontier({
    size: Number(batch.startIndex),
    frontier: batch.startFrontier.map((f) => BigInt(f)),
  })
  const zk = tree.appendBatch(leaves, 0n)
  if (numberToHex(zk.newRoot, { size: 32 }) !== expected.root.toLowerCase())
    throw new Error(
      `exit batch gives root ${numberToHex(zk.newRoot, { size: 32 })}, the main net finalized ${expected.root}`,
    )
  // Inside the batch: the 16-leaf subtree; above it: the path the settlement proof used.
  const padded = [...leaves, ...new Array<bigint>(SETTLEMENT_BATCH_SIZE - leaves.length).fill(0n)]
  return batch.messages.map((message, i) => {
    const siblings: bigint[] = []
    let level = padded
    let index = i
    while (level.length > 1) {
      siblings.push(level[index ^ 1] as bigint)
      const up: bigint[] = []
      for (let j = 0; j < level.length; j += 2) up.push(hashPair(level[j] as bigint, level[j + 1] as bigint))
      level = up
      index >>= 1
    }
    siblings.push(...zk.siblings)
    const proof = { leaf: leaves[i] as bigint, index: Number(message.position), siblings }
    if (!verifyExitProof(proof, zk.newRoot))
      throw new Error(`inclusion proof of position ${message.position} fails`)
    return { position: message.position, siblings, message }
  })
}

/**
 * Delivery (DESIGN §4): follows the main net's finalized exit roots, fetches the exit batches of other SPNs
 * from their nodes over libp2p request/response, checks them against the finalized root, and has the block
 * producer deliver the messages addressed here as deposit transactions at the start of the next block
 * (`Mailbox.importExitRoot`, then `Mailbox.deliver` with the inclusion proof; the Mailbox checks the proof
 * through its precompile and the nullifier). Everything it learns is kept in the chain database, so a
 * restarted node resumes where it stopped.
 */
export function createDeliveryService(opts: DeliveryServiceOptions): DeliveryService {
  const log = (opts.logger ?? createSilentLogger()).child({ module: 'delivery' })
  const chain = opts.chain
  const db: Database.Database = chain.store.db
  const pollMs = opts.pollMs ?? 250
  const maxPerBlock = opts.maxPerBlock ?? 64
  const deliveryGas = opts.deliveryGas ?? 1_500_000n
  const me = opts.spnId
  // cacheTime 0: viem caches getBlockNumber for 4 s by default, which held back every new finalized root
  const pub = createPublicClient({ transport: http(opts.mainnetRpcUrl), cacheTime: 0 }) as PublicClient
  db.exec(`
    CREATE TABLE IF NOT EXISTS spn_delivery_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS spn_inbox_roots (
      src INTEGER NOT NULL, settlement_index INTEGER NOT NULL, root TEXT NOT NULL, start_index INTEGER NOT NULL,
      leaf_count INTEGER NOT NULL, status TEXT NOT NULL, PRIMARY KEY (src, settlement_index));
    CREATE TABLE IF NOT EXISTS spn_inbox (
      src INTEGER NOT NULL, position INTEGER NOT NULL, root TEXT NOT NULL, settlement_index INTEGER NOT NULL,
      message TEXT NOT NULL, siblings TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      tx_hash TEXT, block INTEGER, error TEXT, PRIMARY KEY (src, position));
    CREATE INDEX IF NOT EXISTS spn_inbox_status ON spn_inbox (status, src, position);
  `)
  const st = {
    getMeta: db.prepare('SELECT value FROM spn_delivery_meta WHERE key = ?'),
    setMeta: db.prepare('INSERT OR REPLACE INTO spn_delivery_meta (key, value) VALUES (?, ?)'),
    addRoot: db.prepare(
      'INSERT OR IGNORE INTO spn_inbox_roots (src, settlement_index, root, start_index, leaf_count, status) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    rootsToFetch: db.prepare(
      "SELECT * FROM spn_inbox_roots WHERE status = 'fetch' ORDER BY src, settlement_index LIMIT 16",
    ),
    rootReady: db.prepare(
      "UPDATE spn_inbox_roots SET status = 'ready' WHERE src = ? AND settlement_index = ?",
    ),
    addMessage: db.prepare(
      "INSERT OR IGNORE INTO spn_inbox (src, position, root, settlement_index, message, siblings, status) VALUES (?, ?, ?, ?, ?, ?, 'queued')",
    ),
    queued: db.prepare("SELECT * FROM spn_inbox WHERE status = 'queued' ORDER BY src, position LIMIT ?"),
    setStatus: db.prepare(
      'UPDATE spn_inbox SET status = ?, tx_hash = ?, block = ?, error = ? WHERE src = ? AND position = ?',
    ),
    attempt: db.prepare(
      'UPDATE spn_inbox SET attempts = attempts + 1, error = ? WHERE src = ? AND position = ?',
    ),
    counts: db.prepare('SELECT status, COUNT(*) AS n FROM spn_inbox GROUP BY status'),
  }
  const cursor = (): bigint => {
    const row = st.getMeta.get('mainnetBlock') as { value: string } | undefined
    return row ? BigInt(row.value) : -1n
  }

  let started = false
  /** Deposits of the block being sealed, by hash. */
  let pending = new Map<Hash, Pending>()

  async function follow(): Promise<void> {
    const head = await pub.getBlockNumber()
    let from = cursor() + 1n
    while (from <= head) {
      const to = head - from > 5_000n ? from + 5_000n : head
      const logs = await pub.getLogs({
        address: SYSTEM_ADDRESSES.mainnet.mailbox,
        event: exitRootFinalized,
        fromBlock: from,
        toBlock: to,
      })
      db.transaction(() => {
        for (const l of logs) {
          const a = l.args as {
            spnId: bigint
            exitRoot: Hash
            settlementIndex: bigint
            startIndex: bigint
            leafCount: bigint
          }
          if (a.spnId === me) continue
          st.addRoot.run(
            Number(a.spnId),
            Number(a.settlementIndex),
            a.exitRoot.toLowerCase(),
            Number(a.startIndex),
            Number(a.leafCount),
            a.leafCount > 0n ? 'fetch' : 'ready',
          )
        }
        st.setMeta.run('mainnetBlock', to.toString())
      })()
      from = to + 1n
    }
  }

  async function fetchBatches(): Promise<void> {
    const roots = st.rootsToFetch.all() as RootRow[]
    if (!roots.length) return
    const net = opts.p2p()
    if (!net) throw new Error('no p2p node: exit batches of other SPNs cannot be fetched')
    for (const r of roots) {
      const src = BigInt(r.src)
      const batchIndex = BigInt(r.start_index / SETTLEMENT_BATCH_SIZE)
      const { batches, peerId } = await net.requestExitBatchesFromAny(spnNetworkName(src), batchIndex, 1)
      const batch = batches[0]
      if (!batch) throw new Error(`no peer served exit batch ${batchIndex} of SPN ${src}`)
      const checked = checkExitBatch(batch, {
        srcSpn: src,
        root: r.root as Hash,
        startIndex: BigInt(r.start_index),
        leafCount: BigInt(r.leaf_count),
      })
      let mine = 0
      db.transaction(() => {
        for (const c of checked) {
          if (c.message.dstSpn !== me) continue
          mine++
          st.addMessage.run(
            r.src,
            Number(c.position),
            r.root,
            r.settlement_index,
            json(c.message),
            json(c.siblings),
          )
        }
        st.rootReady.run(r.src, r.settlement_index)
      })()
      log.info(
        {
          src: r.src,
          settlementIndex: r.settlement_index,
          messages: checked.length,
          forUs: mine,
          peer: peerId,
        },
        'exit batch checked against the finalized root',
      )
    }
  }

  const round = async (): Promise<void> => {
    await follow()
    await fetchBatches()
  }

  const loop = createRoundLoop({ what: 'delivery', pollMs, log, round })
  const tick = loop.tick

  const call = async (data: Hex): Promise<Hex> => {
    const sim = chain.simulateCall
    if (!sim) throw new Error('chain has no call simulator')
    const r = await sim({
      header: chain.callContext(),
      state: chain.state,
      to: SYSTEM_ADDRESSES.spn.mailbox,
      data,
      gas: 1_000_000n,
    })
    if (!r.success) throw new Error(`Mailbox view call reverted: ${r.returnData}`)
    return r.returnData
  }

  const read = async <F extends 'finalizedRoot' | 'deliveryStatus'>(
    functionName: F,
    args: readonly [bigint, Hash] | readonly [bigint, bigint],
  ): Promise<bigint> => {
    const data = encodeFunctionData({ abi: spnMailboxAbi, functionName, args } as never)
    return BigInt(
      decodeFunctionResult({ abi: spnMailboxAbi, functionName, data: await call(data) } as never) as
        | bigint
        | number,
    )
  }

  const deposit = (
    tag: string,
    block: bigint,
    data: Hex,
    mint: bigint,
    gas: bigint,
    parts: readonly bigint[],
  ): SignedTx =>
    depositTx({
      sourceHash: keccak256(
        encodeAbiParameters(
          [{ type: 'string' }, { type: 'uint256' }, { type: 'uint256[]' }],
          [`rollup-mesh/${tag}`, block, [...parts]],
        ),
      ),
      from: SYSTEM_ADDRESSES.spn.system,
      to: SYSTEM_ADDRESSES.spn.mailbox,
      mint,
      value: mint,
      gas,
      data,
      chainId: chain.chainId,
    })

  /** The block-start hook: deposits that import roots and deliver the queued messages. */
  const blockStart = async (ctx: { number: bigint }): Promise<SignedTx[]> => {
    pending = new Map()
    const rows = st.queued.all(maxPerBlock) as InboxRow[]
    if (!rows.length) return []
    const txs: SignedTx[] = []
    const imported = new Set<string>()
    for (const row of rows) {
      const src = BigInt(row.src)
      const position = BigInt(row.position)
      const onChain = await read('deliveryStatus', [src, position])
      if (onChain !== 0n && row.attempts === 0) {
        // delivered before a crash lost our bookkeeping
        st.setStatus.run(
          onChain === 2n ? 'failed' : 'delivered',
          row.tx_hash,
          row.block,
          null,
          row.src,
          row.position,
        )
        continue
      }
      const key = `${row.src}:${row.root}`
      if (!imported.has(key)) {
        imported.add(key)
        if ((await read('finalizedRoot', [src, row.root as Hash])) === 0n) {
          const tx = deposit(
            'import',
            ctx.number,
            encodeFunctionData({
              abi: spnMailboxAbi,
              functionName: 'importExitRoot',
              args: [src, row.root as Hash, BigInt(row.settlement_index)],
            }),
            0n,
            100_000n,
            [src, BigInt(row.root)],
          )
          pending.set(tx.hash, { kind: 'import' })
          txs.push(tx)
        }
      }
      const m = JSON.parse(row.message) as { sender: Address; to: Address; value: string; data: Hex }
      const siblings = (JSON.parse(row.siblings) as string[]).map((s) => numberToHex(BigInt(s), { size: 32 }))
      const value = BigInt(m.value)
      const tx = deposit(
        'deliver',
        ctx.number,
        encodeFunctionData({
          abi: spnMailboxAbi,
          functionName: 'deliver',
          args: [
            { srcSpn: src, position, sender: m.sender, to: m.to, value, data: m.data },
            row.root as Hash,
            siblings as never,
          ],
        }),
        value,
        deliveryGas,
        [src, position],
      )
      pending.set(tx.hash, { kind: 'deliver', src: row.src, position: row.position })
      txs.push(tx)
    }
    return txs
  }

  const onBlock = (block: SealedBlock): void => {
    if (!pending.size) return
    const done = pending
    pending = new Map()
    db.transaction(() => {
      for (const receipt of block.receipts) {
        const p = done.get(receipt.transactionHash)
        if (p?.kind !== 'deliver') continue
        if (receipt.status === 1) {
          let status: InboxStatus = 'delivered'
          for (const l of receipt.logs) {
            if (l.address.toLowerCase() !== SYSTEM_ADDRESSES.spn.mailbox) continue
            try {
              const ev = decodeEventLog({ abi: spnMailboxAbi, topics: l.topics as [Hex], data: l.data })
              if (ev.eventName === 'MessageFailed') status = 'failed'
            } catch {}
          }
          st.setStatus.run(
            status,
            receipt.transactionHash,
            Number(block.header.number),
            null,
            p.src,
            p.position,
          )
          log.info(
            {
              src: p.src,
              position: p.position,
              status,
              tx: receipt.transactionHash,
              block: Number(block.header.number),
            },
            'message delivered',
          )
          continue
        }
        const reason = revertReason(receipt.revertData)
        st.attempt.run(reason, p.src, p.position)
        const row = db
          .prepare('SELECT attempts FROM spn_inbox WHERE src = ? AND position = ?')
          .get(p.src, p.position) as { attempts: number } | undefined
        // The nullifier refused it: it was delivered already (a repair requeue); record the refusal.
        if (reason.includes('already delivered') || (row?.attempts ?? 0) >= 3) {
          st.setStatus.run(
            'error',
            receipt.transactionHash,
            Number(block.header.number),
            reason,
            p.src,
            p.position,
          )
        }
        log.warn(
          { src: p.src, position: p.position, reason, tx: receipt.transactionHash },
          'delivery reverted',
        )
      }
    })()
  }

  let unsubscribe: (() => void) | undefined
  let unsubscribeP2P: (() => void) | undefined

  return {
    tick,
    messages(filter = {}) {
      const rows = (
        filter.status
          ? db.prepare('SELECT * FROM spn_inbox WHERE status = ? ORDER BY src, position').all(filter.status)
          : db.prepare('SELECT * FROM spn_inbox ORDER BY src, position').all()
      ) as InboxRow[]
      return rows.map((r) => {
        const m = JSON.parse(r.message) as { sender: Address; to: Address; value: string; data: Hex }
        return {
          srcSpn: BigInt(r.src),
          position: BigInt(r.position),
          sender: m.sender,
          to: m.to,
          value: BigInt(m.value),
          data: m.data,
          root: r.root as Hash,
          settlementIndex: BigInt(r.settlement_index),
          status: r.status,
          txHash: (r.tx_hash ?? undefined) as Hash | undefined,
          block: r.block === null ? undefined : BigInt(r.block),
          error: r.error ?? undefined,
        }
      })
    },
    status() {
      const out = { queued: 0, delivered: 0, failed: 0, error: 0, mainnetBlock: cursor() }
      for (const r of st.counts.all() as { status: InboxStatus; n: number }[]) out[r.status] = r.n
      return out
    },
    requeue(srcSpn, position) {
      db.prepare("UPDATE spn_inbox SET status = 'queued', attempts = 1 WHERE src = ? AND position = ?").run(
        Number(srcSpn),
        Number(position),
      )
    },
    async start() {
      if (started) return
      started = true
      chain.setBlockStartHook(blockStart)
      unsubscribe = chain.events.on('block', onBlock)
      const net = opts.p2p()
      unsubscribeP2P = net?.on('message', (m) => {
        if (m.kind === 'settlements' && m.network === 'mainnet') void tick()
      })
      loop.start()
    },
    async stop() {
      started = false
      await loop.stop()
      chain.setBlockStartHook(undefined)
      unsubscribe?.()
      unsubscribeP2P?.()
    },
    isStarted: () => started,
  }
}

/** `Error(string)` revert data as its message; anything else as hex. */
function revertReason(data: Hex): string {
  if (!data || data === '0x') return 'reverted without data'
  try {
    const e = decodeErrorResult({ data })
    if (e.errorName === 'Error') return String(e.args?.[0])
    return `${e.errorName}(${(e.args ?? []).join(', ')})`
  } catch {
    return data
  }
}
