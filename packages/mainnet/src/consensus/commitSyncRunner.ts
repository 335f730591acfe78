import type { Chain } from '@rollup-mesh/chain'
import type { Logger } from '@rollup-mesh/core'
import { BATCH, type CommitSource } from './commitSync.js'
import { errorLine } from './errorLine.js'

/** What the runner needs of the consensus driver. */
export type CommitSyncHost = {
  chain: Chain
  source: CommitSource | undefined
  log: Logger
  /** The height the state machine is deciding. */
  height(): number
  running(): boolean
  /** Runs `fn` in the driver's serial queue (after it entered the head's next height). */
  inQueue<T>(fn: () => Promise<T>): Promise<T>
  /** How long without a new height before a sync is tried with no peer known ahead. Default 3000 ms. */
  catchUpAfterMs?: number
  /** How long a peer known to have decided this height is given to reach us by votes first. Default 1000 ms. */
  catchUpGraceMs?: number
}

/**
 * The consensus driver's commit sync, run BESIDE its serial queue: fetching (network waits, silent or slow
 * peers) never holds back votes, proposals or timeouts; only each fetched block's `apply` (certificate
 * check, re-execution, commit) runs in the queue, one block per step, skipped when the driver decided that
 * height meanwhile. A run starts when a verified message showed a validator at a later height (`onAhead`)
 * for `catchUpGraceMs` (at once when it is two or more heights ahead), or after `catchUpAfterMs` without a
 * new height (a peer that sent nothing: restarted, cut off); one run at a time.
 *
 * @example
 * ```ts
 * const sync = commitSyncRunner({ chain, source, log, height: () => state.height, running: () => on, inQueue })
 * sync.onAhead(12, peerId) // a verified vote of height 12: heights up to 11 are decided somewhere
 * ```
 */
export function commitSyncRunner(host: CommitSyncHost) {
  const { chain, log } = host
  /** When the current height was entered, or the last run ended (the idle trigger counts from it). */
  let idleSince = Date.now()
  /** Highest height some validator is known to have decided (a verified message of a later height). */
  let knownDecided = 0
  /** When `knownDecided` first reached the current height (0: not behind). */
  let behindSince = 0
  /** Peers whose gossip showed a later height, most recent first. */
  let hints: string[] = []
  let syncing = false
  let synced = 0

  const run = async (source: CommitSource): Promise<void> => {
    let applied = 0
    try {
      for (let batch = 0; host.running() && batch < 10_000; batch++) {
        const answer = await source.fetch(chain.head().number + 1n, hints)
        if (!answer || !host.running()) break
        let complete = true
        for (const b of answer.blocks) {
          const ok = await host
            .inQueue(async () => {
              if (!host.running()) return false // stopped meanwhile: nothing more is committed
              const head = chain.head().number
              if (b.number <= head) return true // decided here meanwhile
              if (b.number !== head + 1n) return false
              await source.apply(b)
              applied++
              synced++
              return true
            })
            .catch((err: unknown) => {
              hints = hints.filter((h) => h !== answer.peer)
              log.warn({ peer: answer.peer, err: errorLine(err) }, 'commit sync: block refused')
              return false
            })
          if (!ok) {
            complete = false
            break
          }
        }
        if (!complete || answer.blocks.length < BATCH) break
      }
    } catch (err) {
      log.warn({ err: errorLine(err) }, 'commit sync failed')
    }
    if (applied) log.info({ blocks: applied, head: Number(chain.head().number) }, 'caught up by commit sync')
  }

  const maybeStart = (): void => {
    const source = host.source
    if (!source || syncing || !host.running()) return
    const now = Date.now()
    const height = host.height()
    const known =
      behindSince > 0 && (knownDecided > height || now - behindSince >= (host.catchUpGraceMs ?? 1_000))
    if (!known && now - idleSince < (host.catchUpAfterMs ?? 3_000)) return
    syncing = true
    void run(source).finally(() => {
      syncing = false
      idleSince = Date.now() // a run that found nothing waits a full interval (or a new hint)
      if (knownDecided < host.height()) behindSince = 0
    })
  }

  return {
    /** A verified consensus message of `height` came from `peer`: heights below it are decided. */
    onAhead(height: number, peer: string): void {
      if (height - 1 > knownDecided) knownDecided = height - 1
      hints = [peer, ...hints.filter((h) => h !== peer)].slice(0, 4)
      if (knownDecided >= host.height() && behindSince === 0) behindSince = Date.now()
      maybeStart()
    },
    /** The driver entered `height` (a decision, a sync, a restart). */
    entered(height: number): void {
      idleSince = Date.now()
      behindSince = knownDecided >= height ? Date.now() : 0
    },
    /** The driver's periodic tick (its re-broadcast timer). */
    tick: maybeStart,
    /** Blocks committed by commit sync so far. */
    synced: () => synced,
  }
}
