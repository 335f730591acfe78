import type { Logger, StateView } from '@rollup-mesh/core'
import { createSilentLogger, TypedEmitter } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import type { TxDecoder } from './decoder.js'
import { TxRejectedError } from './errors.js'
import { effectiveTip, minBig } from './fees.js'
import { isImpersonated } from './impersonatedTx.js'
import { MaxHeap } from './maxHeap.js'
import { type MempoolContent, poolContent, poolStats } from './mempoolContent.js'
import type { ChainStore } from './store.js'
import type { StoredPoolTx } from './storeTypes.js'
import { decodeSignedTx, intrinsicGas, type SignedTx, signedTxWithSender } from './tx.js'

export type MempoolOptions = {
  chainId: bigint
  /** Largest gas a block offers; a transaction above it can never be included. */
  blockGasLimit: bigint
  /** Per-transaction gas cap (EIP-7825). Default 2^24. */
  maxTxGas?: bigint
  /** Most transactions held; beyond it the lowest-paying one is evicted. Default 50,000. */
  maxSize?: number
  /** Minimum fee bump, in percent, for a replacement (same sender and nonce). Default 10. */
  priceBumpPercent?: bigint
  /** How far above the sender's pending nonce a transaction may be (held back until the gap fills). Default 64. */
  maxNonceGap?: bigint
  /** Intrinsic gas rule; default `intrinsicGas` of this package. */
  intrinsicGas?: (tx: SignedTx) => bigint
}

export type MempoolDeps = {
  /** The committed state (nonces and balances are checked against it). */
  state: StateView
  /** The base fee of the next block. */
  baseFee: () => bigint
  /** Where accepted transactions are persisted; absent = in memory only. */
  store?: ChainStore | undefined
  /** Decodes and recovers senders (a worker pool); default inline on this thread. */
  decoder?: TxDecoder | undefined
  /** Where a throwing `events` listener is logged; default silent. */
  logger?: Logger | undefined
  /**
   * Persists a flush elsewhere than on the store's own connection (the commit writer's thread, behind the
   * block it is committing): the block thread then never waits on SQLite's write lock. `flushNow` still
   * writes through `store`.
   */
  persist?: ((deletes: readonly Hex[], writes: readonly StoredPoolTx[]) => Promise<void>) | undefined
}

export type { MempoolContent } from './mempoolContent.js'

export type MempoolEvents = {
  /** A transaction entered the pool (new, or replacing one with the same sender and nonce). */
  tx: SignedTx
}

type Entry = SignedTx & { seq: number }

/**
 * The transaction pool: full validation before acceptance, per-sender nonce
 * ordering with gaps held back, >= 10% fee bump for replacement, bounded with
 * lowest-fee eviction, and persisted (group-committed before `add` resolves),
 * so an acknowledged transaction survives a crash.
 */
export class Mempool {
  /** `tx` after each insert (pending-transaction filters listen); a throwing listener is logged, never rejects the transaction. */
  readonly events: TypedEmitter<MempoolEvents>
  private readonly byHash = new Map<Hex, Entry>()
  private readonly bySender = new Map<Address, Map<bigint, Entry>>()
  private seq = 0
  private readonly opts: Required<Omit<MempoolOptions, 'intrinsicGas'>> & {
    intrinsicGas: (tx: SignedTx) => bigint
  }
  private pendingWrites: Entry[] = []
  private pendingDeletes: Hex[] = []
  private flushPromise: Promise<void> | null = null

  constructor(
    options: MempoolOptions,
    private readonly deps: MempoolDeps,
  ) {
    this.opts = {
      maxTxGas: 1n << 24n,
      maxSize: 50_000,
      priceBumpPercent: 10n,
      maxNonceGap: 64n,
      intrinsicGas,
      ...options,
    }
    const log = (deps.logger ?? createSilentLogger()).child({ module: 'mempool' })
    this.events = new TypedEmitter<MempoolEvents>({
      onListenerError: (err, event) => log.error({ err, event }, 'mempool event listener threw'),
    })
  }

  get size(): number {
    return this.byHash.size
  }

  has(hash: Hex): boolean {
    return this.byHash.has(hash.toLowerCase() as Hex)
  }

  get(hash: Hex): SignedTx | undefined {
    return this.byHash.get(hash.toLowerCase() as Hex)
  }

  /** Decodes, recovers, validates, inserts and persists a signed transaction; resolves to its hash. */
  async add(raw: Hex): Promise<Hex> {
    const tx = this.deps.decoder
      ? await this.deps.decoder.decode(raw)
      : await decodeSignedTx(raw, this.opts.chainId)
    this.insert(tx)
    await this.flush()
    return tx.hash
  }

  /** Validates and inserts an already decoded transaction (not yet persisted: await `flush()`). */
  insert(tx: SignedTx): void {
    if (this.byHash.has(tx.hash)) throw new TxRejectedError('ALREADY_KNOWN', 'already known')
    this.validate(tx)
    const own = this.bySender.get(tx.from)
    const existing = own?.get(tx.nonce)
    if (existing) {
      const bump = 100n + this.opts.priceBumpPercent
      if (tx.feeCap * 100n < existing.feeCap * bump || tx.tipCap * 100n < existing.tipCap * bump)
        throw new TxRejectedError('REPLACEMENT_UNDERPRICED', 'replacement transaction underpriced', [
          `- Raise both the fee cap and the priority fee by at least ${this.opts.priceBumpPercent}%.`,
        ])
      this.remove(existing.hash)
    } else if (this.byHash.size >= this.opts.maxSize) {
      const victim = this.cheapest()
      if (!victim || victim.tipCap >= tx.tipCap)
        throw new TxRejectedError('POOL_FULL', 'txpool is full', ['- Retry with a higher priority fee.'])
      this.remove(victim.hash)
    }
    const entry: Entry = { ...tx, seq: this.seq++ }
    this.byHash.set(tx.hash, entry)
    let map = this.bySender.get(tx.from)
    if (!map) {
      map = new Map()
      this.bySender.set(tx.from, map)
    }
    map.set(tx.nonce, entry)
    if (this.deps.store) this.pendingWrites.push(entry)
    this.events.emit('tx', entry)
  }

  private validate(tx: SignedTx): void {
    const baseFee = this.deps.baseFee()
    if (tx.tipCap > tx.feeCap)
      throw new TxRejectedError(
        'TIP_ABOVE_FEE_CAP',
        `max priority fee per gas higher than max fee per gas: tip ${tx.tipCap}, cap ${tx.feeCap}`,
      )
    const intrinsic = this.opts.intrinsicGas(tx)
    if (tx.gas < intrinsic)
      throw new TxRejectedError(
        'INTRINSIC_GAS_TOO_LOW',
        `intrinsic gas too low: have ${tx.gas}, want ${intrinsic}`,
      )
    const cap = minBig(this.opts.maxTxGas, this.opts.blockGasLimit)
    if (tx.gas > cap)
      throw new TxRejectedError('GAS_LIMIT_EXCEEDED', `exceeds block gas limit: gas ${tx.gas}, limit ${cap}`)
    if (tx.feeCap < baseFee)
      throw new TxRejectedError(
        'FEE_CAP_TOO_LOW',
        `max fee per gas less than block base fee: address ${tx.from}, maxFeePerGas: ${tx.feeCap}, baseFee: ${baseFee}`,
      )
    const account = this.deps.state.getAccount(tx.from)
    const nonce = account?.nonce ?? 0n
    if (tx.nonce < nonce)
      throw new TxRejectedError('NONCE_TOO_LOW', `nonce too low: next nonce ${nonce}, tx nonce ${tx.nonce}`)
    if (tx.nonce > nonce + this.opts.maxNonceGap) {
      // Measured from the sender's pending nonce (its executable pooled transactions count).
      const pending = this.pendingNonce(tx.from)
      if (tx.nonce > pending + this.opts.maxNonceGap)
        throw new TxRejectedError(
          'NONCE_TOO_HIGH',
          `nonce too high: next nonce ${pending}, tx nonce ${tx.nonce}, at most ${this.opts.maxNonceGap} ahead`,
        )
    }
    const balance = account?.balance ?? 0n
    const cost = tx.value + tx.feeCap * tx.gas
    if (balance < cost)
      throw new TxRejectedError(
        'INSUFFICIENT_FUNDS',
        `insufficient funds for gas * price + value: address ${tx.from} have ${balance} want ${cost}`,
      )
  }

  /** Persists inserted transactions and removals (one SQLite transaction for all since the last flush). */
  flush(): Promise<void> {
    if (!this.deps.store) return Promise.resolve()
    if (!this.flushPromise) {
      this.flushPromise = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          this.flushPromise = null
          if (this.deps.persist) {
            this.flushElsewhere(this.deps.persist).then(resolve, reject)
            return
          }
          try {
            this.flushNow()
            resolve()
          } catch (err) {
            reject(err)
          }
        })
      })
    }
    return this.flushPromise
  }

  /** Persists what is pending through `persist` (one transaction there); a failure undoes as `flushNow`'s does. */
  private async flushElsewhere(
    persist: (deletes: readonly Hex[], writes: readonly StoredPoolTx[]) => Promise<void>,
  ): Promise<void> {
    const pending = this.takePending()
    if (!pending) return
    try {
      await persist(pending.deletes, pending.writes.map(storedPoolTx))
    } catch (err) {
      this.unflushed(pending)
      throw err
    }
  }

  /** Synchronously persists what is pending. */
  flushNow(): void {
    const store = this.deps.store
    if (!store) return
    const pending = this.takePending()
    if (!pending) return
    const { deletes, writes } = pending
    try {
      store.transaction(() => {
        if (deletes.length) store.poolDelete(deletes)
        if (writes.length) store.poolPut(writes.map(storedPoolTx))
      })
    } catch (err) {
      this.unflushed(pending)
      throw err
    }
  }

  /** Takes what a flush persists: the pending writes still in the pool and the removals; undefined when none. */
  private takePending(): { writes: Entry[]; deletes: Hex[] } | undefined {
    const writes = this.pendingWrites.filter((e) => this.byHash.get(e.hash) === e)
    const deletes = this.pendingDeletes
    this.pendingWrites = []
    this.pendingDeletes = []
    return writes.length === 0 && deletes.length === 0 ? undefined : { writes, deletes }
  }

  /** A flush failed: not persisted, so not acknowledged (`add` rejects): forget the new entries, keep the removals pending. */
  private unflushed(pending: { writes: Entry[]; deletes: Hex[] }): void {
    for (const e of pending.writes) if (this.byHash.get(e.hash) === e) this.remove(e.hash, false)
    this.pendingDeletes.push(...pending.deletes)
  }

  /** Reloads the persisted pool (after a restart), dropping what the state has made stale. */
  async restore(): Promise<{ restored: number; dropped: number }> {
    return this.reload()
  }

  /**
   * Forgets the pool in memory (and unflushed writes) and loads it again from the store, as `restore` does:
   * after the store's pool was replaced (a snapshot revert).
   */
  reset(): { restored: number; dropped: number } {
    this.byHash.clear()
    this.bySender.clear()
    this.pendingWrites = []
    this.pendingDeletes = []
    return this.reload()
  }

  private reload(): { restored: number; dropped: number } {
    const store = this.deps.store
    if (!store) return { restored: 0, dropped: 0 }
    let restored = 0
    let dropped = 0
    const stale: Hex[] = []
    for (const row of store.poolAll()) {
      let tx: SignedTx | undefined
      try {
        tx = signedTxWithSender(row.raw, this.opts.chainId, row.from)
        if (tx.type !== 'deposit' && isImpersonated(tx)) tx.impersonated = true
      } catch {
        // a row this build cannot decode (another chain id, a format change): dropped like a stale one
      }
      const nonce = tx ? (this.deps.state.getAccount(tx.from)?.nonce ?? 0n) : 0n
      if (!tx || tx.nonce < nonce || this.byHash.has(tx.hash)) {
        stale.push(row.hash)
        dropped++
        continue
      }
      const entry: Entry = { ...tx, seq: this.seq++ }
      this.byHash.set(tx.hash, entry)
      let map = this.bySender.get(tx.from)
      if (!map) {
        map = new Map()
        this.bySender.set(tx.from, map)
      }
      const prev = map.get(tx.nonce)
      if (prev) this.byHash.delete(prev.hash)
      map.set(tx.nonce, entry)
      restored++
    }
    if (stale.length) store.poolDelete(stale)
    return { restored, dropped }
  }

  /** The next nonce of `address` counting its executable pooled transactions. */
  pendingNonce(address: Address): bigint {
    const a = address.toLowerCase() as Address
    let n = this.deps.state.getAccount(a)?.nonce ?? 0n
    const own = this.bySender.get(a)
    if (!own) return n
    while (own.has(n)) n++
    return n
  }

  /**
   * Transactions for the next block: executable ones only (nonce-contiguous
   * from each sender's state nonce, fee cap >= base fee), highest effective
   * tip first, each sender's in nonce order, within `gasLimit` and `maxCount`.
   */
  select(baseFee: bigint, gasLimit: bigint, maxCount = Number.MAX_SAFE_INTEGER): SignedTx[] {
    type Head = { tip: bigint; seq: number; sender: Address; nonce: bigint; entry: Entry }
    const heads: Head[] = []
    for (const [sender, own] of this.bySender) {
      const nonce = this.deps.state.getAccount(sender)?.nonce ?? 0n
      const e = own.get(nonce)
      if (e && e.feeCap >= baseFee)
        heads.push({ tip: effectiveTip(e, baseFee), seq: e.seq, sender, nonce, entry: e })
    }
    const heap = new MaxHeap<Head>((a, b) => (a.tip !== b.tip ? a.tip > b.tip : a.seq < b.seq))
    for (const h of heads) heap.push(h)
    const out: SignedTx[] = []
    let gasLeft = gasLimit
    while (out.length < maxCount && gasLeft >= 21_000n) {
      const h = heap.pop()
      if (!h) break
      if (h.entry.gas > gasLeft) continue
      out.push(h.entry)
      gasLeft -= h.entry.gas
      const next = this.bySender.get(h.sender)?.get(h.nonce + 1n)
      if (next && next.feeCap >= baseFee)
        heap.push({
          tip: effectiveTip(next, baseFee),
          seq: next.seq,
          sender: h.sender,
          nonce: h.nonce + 1n,
          entry: next,
        })
    }
    return out
  }

  /**
   * After a block is committed (its commit deleted the included rows):
   * forgets included transactions, drops skipped ones at the head of their
   * sender (they cannot run now) and any with a nonce below the new state
   * nonce. Returns the dropped (not included) hashes.
   */
  onBlock(included: readonly Hex[], skipped: readonly Hex[]): Hex[] {
    const removed: Hex[] = []
    const senders = new Set<Address>()
    for (const h of included) {
      const e = this.byHash.get(h)
      if (e) senders.add(e.from)
      // The block commit already deleted these rows.
      this.remove(h, false)
    }
    for (const h of skipped) {
      const e = this.byHash.get(h)
      if (!e) continue
      const nonce = this.deps.state.getAccount(e.from)?.nonce ?? 0n
      if (e.nonce <= nonce && this.remove(h)) removed.push(h)
    }
    for (const s of senders) {
      const own = this.bySender.get(s)
      if (!own) continue
      const nonce = this.deps.state.getAccount(s)?.nonce ?? 0n
      for (const [n, e] of own) if (n < nonce && this.remove(e.hash)) removed.push(e.hash)
    }
    if (removed.length) void this.flush()
    return removed
  }

  /** Pending (executable) and queued (held back by a gap) counts. */
  stats(): { pending: number; queued: number } {
    return poolStats(this.bySender, this.deps.state)
  }

  /**
   * Every pooled transaction by sender, split as `stats` counts them: `pending` from the sender's state
   * nonce up to the first gap, `queued` the rest; each list in nonce order.
   */
  content(): MempoolContent {
    return poolContent(this.bySender, this.deps.state)
  }

  private remove(hash: Hex, persist = true): boolean {
    const e = this.byHash.get(hash)
    if (!e) return false
    this.byHash.delete(hash)
    const own = this.bySender.get(e.from)
    if (own?.get(e.nonce) === e) {
      own.delete(e.nonce)
      if (own.size === 0) this.bySender.delete(e.from)
    }
    if (persist && this.deps.store) this.pendingDeletes.push(hash)
    return true
  }

  private cheapest(): Entry | undefined {
    let worst: Entry | undefined
    for (const e of this.byHash.values()) {
      if (!worst || e.tipCap < worst.tipCap || (e.tipCap === worst.tipCap && e.nonce > worst.nonce)) worst = e
    }
    return worst
  }
}

/** A pool entry's persisted row. */
function storedPoolTx(e: Entry): StoredPoolTx {
  return { hash: e.hash, raw: e.raw, from: e.from, seq: e.seq }
}
