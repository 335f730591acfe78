import type { Libp2p } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { InvalidParameterError, type Logger } from '@rollup-mesh/core'

export type ReconnectOptions = {
  /** First retry delay (ms). Default 250. */
  initialDelayMs: number
  /** Cap on the delay (ms). Default 30 000. */
  maxDelayMs: number
  /** Growth per failed attempt. Default 2. */
  factor: number
  /** Deadline for one dial (ms). Default 5 000. */
  dialTimeoutMs: number
}

export const defaultReconnectOptions: ReconnectOptions = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  factor: 2,
  dialTimeoutMs: 5_000,
}

type BootstrapEntry = {
  addr: Multiaddr
  peerId: string | undefined
  attempt: number
  timer: ReturnType<typeof setTimeout> | undefined
  dialing: boolean
}

/**
 * Keeps the node connected to its bootstrap (and persistently dialled) peers: dials them on start, and
 * redials with jittered exponential backoff whenever a dial fails or the connection drops. Banned peers
 * and peers already connected are skipped.
 */
export class Reconnector {
  readonly #libp2p: Libp2p
  readonly #options: ReconnectOptions
  readonly #isBanned: (peerId: string) => boolean
  readonly #log: Logger
  readonly #entries: BootstrapEntry[] = []
  #running = false

  constructor(libp2p: Libp2p, options: ReconnectOptions, isBanned: (peerId: string) => boolean, log: Logger) {
    this.#libp2p = libp2p
    this.#options = options
    this.#isBanned = isBanned
    this.#log = log
  }

  /** Adds a peer to keep connected (idempotent per multiaddr); throws `InvalidParameterError` for a bad one. */
  add(addr: string): void {
    this.#add(addr)
  }

  #add(addr: string): BootstrapEntry {
    let ma: Multiaddr
    try {
      ma = multiaddr(addr)
    } catch {
      throw new InvalidParameterError({
        param: 'bootstrap',
        expected: 'multiaddrs like /ip4/127.0.0.1/tcp/4001/p2p/<peer id>',
        got: addr,
      })
    }
    const existing = this.#entries.find((e) => e.addr.equals(ma))
    if (existing) return existing
    const entry: BootstrapEntry = {
      addr: ma,
      peerId: ma.getComponents().find((c) => c.name === 'p2p')?.value,
      attempt: 0,
      timer: undefined,
      dialing: false,
    }
    this.#entries.push(entry)
    return entry
  }

  /** Adds `addr`, dials it now and returns its peer id; throws `InvalidParameterError` when unreachable. */
  async dialPersistent(addr: string): Promise<string> {
    const entry = this.#add(addr)
    await this.#dial(entry)
    if (!entry.peerId)
      throw new InvalidParameterError({ param: 'addr', expected: 'a reachable multiaddr', got: addr })
    return entry.peerId
  }

  start(): void {
    this.#running = true
    for (const entry of this.#entries) this.#schedule(entry, 0)
  }

  stop(): void {
    this.#running = false
    for (const entry of this.#entries) {
      clearTimeout(entry.timer)
      entry.timer = undefined
    }
  }

  /** A peer disconnected: redial it (with backoff) when it is one of ours. */
  onDisconnect(peerId: string): void {
    for (const entry of this.#entries) if (entry.peerId === peerId) this.#schedule(entry)
  }

  #schedule(entry: BootstrapEntry, delayMs?: number): void {
    if (!this.#running || entry.timer || entry.dialing) return
    const { initialDelayMs, maxDelayMs, factor } = this.#options
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, entry.attempt - 1))
    const delay = delayMs ?? base * (0.8 + Math.random() * 0.4)
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      void this.#dial(entry)
    }, delay)
  }

  async #dial(entry: BootstrapEntry): Promise<void> {
    if (!this.#running || entry.dialing) return
    if (
      entry.peerId &&
      (this.#isBanned(entry.peerId) || this.#libp2p.getPeers().some((p) => p.toString() === entry.peerId))
    )
      return
    entry.dialing = true
    try {
      const conn = await this.#libp2p.dial(entry.addr, {
        signal: AbortSignal.timeout(this.#options.dialTimeoutMs),
      })
      entry.peerId = conn.remotePeer.toString()
      entry.attempt = 0
      this.#log.debug({ addr: entry.addr.toString() }, 'bootstrap peer connected')
    } catch (err) {
      entry.attempt++
      this.#log.debug(
        { err, addr: entry.addr.toString(), attempt: entry.attempt },
        'bootstrap dial failed; retrying',
      )
    } finally {
      entry.dialing = false
    }
    if (entry.attempt > 0) this.#schedule(entry)
  }
}
