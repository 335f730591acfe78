import type { Address, Logger } from '@rollup-mesh/core'
import type { GossipMessage, ValidationResult } from '@rollup-mesh/p2p'
import type { FetchMainnetValidators, MainnetValidatorSnapshot } from './validatorsRPC.js'

/**
 * Headers numbered up to this many blocks past the head of the latest read, from a signer that read did not
 * know, are ignored rather than refused: the node answering `mesh_getValidators` may be a block or two behind
 * a validator that governance added in the block it just committed.
 */
export const UNKNOWN_SIGNER_LAG = 8

export type MainnetSignerGateOptions = {
  fetchValidators: FetchMainnetValidators
  logger: Logger
  /** Least time between two reads of the validator set (ms); default 1,000. A flood of strangers costs one read per interval. */
  minRefreshMs?: number
  /** The clock (ms), for tests. */
  now?: () => number
}

/** Decides which main-net headers and settlements an SPN acts on (see `createMainnetSignerGate`). */
export type MainnetSignerGate = {
  /** The gossip validator of the SPN's `mainnet` header and settlement topics. */
  verdict(message: GossipMessage): Promise<ValidationResult>
  /** Reads the validator set now (at most once per `minRefreshMs`); false when the read failed. */
  refresh(): Promise<boolean>
  /** The addresses whose headers are accepted now (the last two reads). */
  signers(): Address[]
}

/**
 * An SPN's gate on main-net gossip: a header or settlement is accepted only when a main-net validator signed
 * it. The set comes from the main net's `mesh_getValidators` (`fetchValidators`): read at start, again once
 * a header reaches the next epoch, and again whenever a signer it does not know appears (a validator
 * governance just added); the last two reads count, so a validator removed at an epoch still has its
 * last headers accepted. A stranger's message is refused (it costs the sender gossipsub score) once a read
 * that began after the message arrived still does not name it; while no read succeeds it is ignored.
 *
 * @example
 * ```ts
 * import { createSilentLogger } from '@rollup-mesh/core'
 * import { createMainnetSignerGate } from '@rollup-mesh/spn'
 *
 * const validator = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
 * const gate = createMainnetSignerGate({
 *   fetchValidators: async () => ({ head: 10n, epochLength: 100, addresses: [validator] }),
 *   logger: createSilentLogger(),
 * })
 * await gate.refresh()
 * console.log(gate.signers()) // [ '0xf39F…2266' ]
 * // p2p.setValidator('mainnet', 'headers', gate.verdict)
 * ```
 */
export function createMainnetSignerGate(options: MainnetSignerGateOptions): MainnetSignerGate {
  const { fetchValidators, logger } = options
  const minRefreshMs = options.minRefreshMs ?? 1_000
  const now = options.now ?? Date.now
  let current: MainnetValidatorSnapshot | undefined
  /** Lower-cased address → as the main net spelled it, over the last two reads. */
  let known = new Map<string, Address>()
  /** Messages seen so far: a read "began after a message arrived" when its `seq` is at least the message's. */
  let arrivals = 0
  let lastRead: { seq: number; at: number; ok: boolean } | undefined
  let inflight: { seq: number; promise: Promise<boolean> } | undefined

  const startRead = (): Promise<boolean> => {
    const seq = arrivals
    const at = now()
    const promise = (async () => {
      let ok = false
      try {
        const next = await fetchValidators()
        const previous = current
        current = next
        known = new Map([...(previous?.addresses ?? []), ...next.addresses].map((a) => [a.toLowerCase(), a]))
        ok = true
        logger.debug({ head: Number(next.head), signers: next.addresses.length }, 'main-net validators read')
      } catch (err) {
        logger.warn({ err }, 'main-net validators not read; strangers are ignored until they are')
      }
      lastRead = { seq, at, ok }
      inflight = undefined
      return ok
    })()
    inflight = { seq, promise }
    return promise
  }

  /** Resolves with the outcome of a read that began at or after arrival `seq` (waiting out the interval). */
  const readSince = async (seq: number): Promise<boolean> => {
    for (;;) {
      if (lastRead && lastRead.seq >= seq) return lastRead.ok
      if (inflight) {
        if (inflight.seq >= seq) return inflight.promise
        await inflight.promise
        continue
      }
      const wait = (lastRead?.at ?? Number.NEGATIVE_INFINITY) + minRefreshMs - now()
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait).unref?.())
        continue
      }
      return startRead()
    }
  }

  const verdict = async (message: GossipMessage): Promise<ValidationResult> => {
    if (message.kind !== 'headers' && message.kind !== 'settlements') return 'accept'
    const seq = ++arrivals
    const signer = message.signer.toLowerCase()
    const number = message.kind === 'headers' ? message.header.number : undefined
    if (known.has(signer)) {
      // past the next epoch boundary of the last read: read again (in the background) to follow changes
      if (current && number !== undefined && number >= current.head + BigInt(current.epochLength))
        void readSince(seq)
      return 'accept'
    }
    const ok = await readSince(seq)
    if (known.has(signer)) return 'accept'
    if (!ok || !current) return 'ignore'
    if (number !== undefined && number > current.head && number <= current.head + BigInt(UNKNOWN_SIGNER_LAG))
      return 'ignore'
    logger.debug({ signer, number: number?.toString() }, 'main-net gossip from a non-validator refused')
    return 'reject'
  }

  return {
    verdict,
    refresh: () => readSince(++arrivals),
    signers: () => [...known.values()],
  }
}
