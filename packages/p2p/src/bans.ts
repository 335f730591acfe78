import type { Libp2p } from '@libp2p/interface'
import type { Logger } from '@rollup-mesh/core'

/** Default time a graylisted peer stays banned (ms). */
export const DEFAULT_BAN_MS = 10 * 60 * 1000

export type BanEvent = { peerId: string; score: number; until: number }

/**
 * Which peers are banned and until when, and the rule that bans them: a connected peer whose gossipsub
 * score falls below the graylist threshold is disconnected and banned for `banMs`. The host's connection
 * gater asks `isBanned`.
 */
export class PeerBans {
  readonly #banned = new Map<string, number>()

  isBanned(peerId: string): boolean {
    const until = this.#banned.get(peerId)
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.#banned.delete(peerId)
    return false
  }

  /** Disconnects and bans every connected peer whose score is below `threshold` (run on each heartbeat). */
  enforceGraylist(options: {
    libp2p: Libp2p
    getScore: (peerId: string) => number
    threshold: number
    banMs: number
    log: Logger
    onBanned: (event: BanEvent) => void
  }): void {
    const { libp2p, getScore, threshold, banMs, log, onBanned } = options
    const now = Date.now()
    for (const [peerId, until] of this.#banned) if (until <= now) this.#banned.delete(peerId)
    for (const peer of libp2p.getPeers()) {
      const peerId = peer.toString()
      const score = getScore(peerId)
      if (score >= threshold || this.isBanned(peerId)) continue
      const until = Date.now() + banMs
      this.#banned.set(peerId, until)
      log.warn({ peerId, score }, 'peer graylisted: disconnecting and banning')
      onBanned({ peerId, score, until })
      libp2p.hangUp(peer).catch((err) => log.debug({ err, peerId }, 'hang up failed'))
    }
  }
}
