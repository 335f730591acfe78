import {
  type Chain,
  type NodeMetrics,
  type SealedBlock,
  type SignedTx,
  setPendingBlockStartWork,
} from '@rollup-mesh/chain'
import { createSilentLogger, type Logger, type Startable } from '@rollup-mesh/core'
import type { P2P } from '@rollup-mesh/p2p'
import { createPublicClient, type Hash, http, type PublicClient } from 'viem'
import { createRoundLoop } from '../rounds.js'
import { registerDeliveryMetrics } from './deliveryMetrics.js'
import { buildDeliveryDeposits, type PendingDeposit } from './deposits.js'
import { fetchExitBatches } from './fetch.js'
import { followMainnet } from './follower.js'
import { type InboxMessage, type InboxStatus, openInbox } from './inbox.js'
import { reconcileDeliveries } from './reconcile.js'

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
  /** The node's metrics: messages delivered / failed and deliveries pending (`registerDeliveryMetrics`). */
  metrics?: NodeMetrics
  logger?: Logger
}

/** The defaults of the optional `DeliveryServiceOptions`. */
export const defaultDeliveryOptions = {
  pollMs: 250,
  maxPerBlock: 64,
  deliveryGas: 1_500_000n,
} as const

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

/**
 * Delivery (DESIGN §4): follows the main net's finalized exit roots (`followMainnet`), fetches the exit
 * batches of other SPNs from their nodes over libp2p request/response and checks them against the
 * finalized root (`fetchExitBatches`, `checkExitBatch`), and has the block producer deliver the messages
 * addressed here as deposit transactions at the start of the next block (`buildDeliveryDeposits`), whose
 * receipts it reads back (`reconcileDeliveries`). While messages are queued it tells the producer so
 * (`setPendingBlockStartWork`), and a sub-second SPN seals for them without waiting for the next second (as
 * for pool transactions). Everything it learns is kept in the chain store's
 * `spn_inbox` extension, so a restarted node resumes where it stopped.
 *
 * @example
 * ```ts
 * const delivery = createDeliveryService({
 *   chain,
 *   spnId: 2n,
 *   mainnetRpcUrl: 'http://127.0.0.1:8545',
 *   p2p: () => node.p2p,
 * })
 * await delivery.start() // installs the block-start hook, polls the main net every 250 ms
 * await delivery.tick() // one round now
 * delivery.status() // { queued: 0, delivered: 1, failed: 0, error: 0, mainnetBlock: 41n }
 * hasPendingBlockStartWork(chain) // true while messages are queued: the producer seals for them
 * await delivery.stop()
 * ```
 */
export function createDeliveryService(opts: DeliveryServiceOptions): DeliveryService {
  const log = (opts.logger ?? createSilentLogger()).child({ module: 'delivery' })
  const chain = opts.chain
  const pollMs = opts.pollMs ?? defaultDeliveryOptions.pollMs
  const deposits = {
    chain,
    maxPerBlock: opts.maxPerBlock ?? defaultDeliveryOptions.maxPerBlock,
    deliveryGas: opts.deliveryGas ?? defaultDeliveryOptions.deliveryGas,
  }
  const me = opts.spnId
  // cacheTime 0: viem caches getBlockNumber for 4 s by default, which held back every new finalized root
  const pub = createPublicClient({ transport: http(opts.mainnetRpcUrl), cacheTime: 0 }) as PublicClient
  const inbox = openInbox(chain.store)
  if (opts.metrics) registerDeliveryMetrics(opts.metrics, inbox)

  let started = false
  /** Deposits of the block being sealed, by hash. */
  let pending = new Map<Hash, PendingDeposit>()

  const round = async (): Promise<void> => {
    await followMainnet(pub, inbox, me)
    await fetchExitBatches(inbox, opts.p2p, me, log)
  }
  const loop = createRoundLoop({ what: 'delivery', pollMs, log, round })

  /** The block-start hook: deposits that import roots and deliver the queued messages. */
  const blockStart = async (ctx: { number: bigint }): Promise<SignedTx[]> => {
    pending = new Map()
    const built = await buildDeliveryDeposits({ ...deposits, inbox }, ctx.number)
    pending = built.pending
    return built.txs
  }

  const onBlock = (block: SealedBlock): void => {
    if (!pending.size) return
    const done = pending
    pending = new Map()
    reconcileDeliveries(inbox, block, done, log)
  }

  let unsubscribe: (() => void) | undefined
  let unsubscribeP2P: (() => void) | undefined

  return {
    tick: loop.tick,
    messages: (filter = {}) => inbox.messages(filter),
    status() {
      const out = { queued: 0, delivered: 0, failed: 0, error: 0, mainnetBlock: inbox.cursor() }
      for (const r of inbox.counts()) out[r.status] = r.n
      return out
    },
    requeue: (srcSpn, position) => inbox.requeue(srcSpn, position),
    async start() {
      if (started) return
      started = true
      chain.setBlockStartHook(blockStart)
      // queued deliveries are waiting transactions: the producer seals for them as for pool transactions
      setPendingBlockStartWork(chain, () => inbox.queued(1).length > 0)
      unsubscribe = chain.events.on('block', onBlock)
      const net = opts.p2p()
      unsubscribeP2P = net?.on('message', (m) => {
        if (m.kind === 'settlements' && m.network === 'mainnet') void loop.tick()
      })
      loop.start()
    },
    async stop() {
      started = false
      await loop.stop()
      chain.setBlockStartHook(undefined)
      setPendingBlockStartWork(chain, undefined)
      unsubscribe?.()
      unsubscribeP2P?.()
    },
    isStarted: () => started,
  }
}
