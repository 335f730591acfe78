/**
 * Score one malformed sync request costs its sender: the graylist threshold (-80) is crossed by the fifth,
 * before a peer that leaves its streams open runs into the 8 inbound streams a connection may hold.
 */
export const BAD_SYNC_REQUEST_PENALTY = 20
/** Share of the penalty left after each second (the invalid-gossip counters' decay: half in about 23 s). */
const DECAY_PER_SECOND = 0.97

/**
 * Malformed sync requests per peer, as a decaying negative score. It is gossipsub's app-specific score
 * (`appSpecificScore`, weight 1), so a peer that abuses `/rollup-mesh/1/sync/*` falls below the graylist
 * threshold and is disconnected and banned like one that sends invalid gossip; it also counts for a peer
 * that never joined gossipsub (whose gossipsub score is 0).
 * Internal to p2p: `SyncServer` records (`record(peerId)`), `createP2P` reads (`score(peerId)`: -20 after one
 * bad request, decaying back to 0).
 */
export class SyncPenalties {
  readonly #byPeer = new Map<string, { value: number; at: number }>()

  /** A malformed request from `peerId`. */
  record(peerId: string, now = Date.now()): void {
    this.#byPeer.set(peerId, { value: this.#decayed(peerId, now) + BAD_SYNC_REQUEST_PENALTY, at: now })
  }

  /** The peer's sync score: 0 or negative. */
  score(peerId: string, now = Date.now()): number {
    const value = this.#decayed(peerId, now)
    if (value < 0.01) this.#byPeer.delete(peerId)
    return -value
  }

  #decayed(peerId: string, now: number): number {
    const e = this.#byPeer.get(peerId)
    if (!e) return 0
    return e.value * DECAY_PER_SECOND ** (Math.max(0, now - e.at) / 1000)
  }
}
