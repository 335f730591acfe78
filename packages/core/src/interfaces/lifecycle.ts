/** A long-lived service (js-libp2p's `Startable`): `start()` then `stop()`, each idempotent. */
export interface Startable {
  start(): Promise<void>
  stop(): Promise<void>
  isStarted(): boolean
}
