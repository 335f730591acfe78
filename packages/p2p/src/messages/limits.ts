import { MessageTooLargeError } from '../errors.js'

/** Hard per-message size limits (bytes), checked before any decoding. */
export const MESSAGE_LIMITS = {
  header: 1024,
  /** One consensus vote or proposal (consensus's MAX_CONSENSUS_MESSAGE_BYTES). */
  consensus: 256,
  /** A proposal with its block's header and transactions (under the 1 MiB gossip frame cap). */
  proposal: 960 * 1024,
  settlement: 96 * 1024,
  /** geth's txMaxSize: 4 slots of 32 KiB. */
  tx: 128 * 1024,
  proof: 16 * 1024,
  quote: 64 * 1024,
  /** A block as served by sync: one header plus its transactions. */
  block: 8 * 1024 * 1024,
  /** An encoded commit certificate (184 bytes for up to 16 validators; room for the largest set). */
  certificate: 1024,
  /** An exit batch as served by sync: 16 messages of at most 32 KiB data each plus the frontier (~530 KiB). */
  exitBatch: 640 * 1024,
  /** The `data` of one exit message. */
  exitMessageData: 32 * 1024,
} as const

/** Throws `MessageTooLargeError` when `data` is over `limit` bytes (checked before any decoding). */
export function checkSize(what: string, data: Uint8Array, limit: number): void {
  if (data.length > limit) throw new MessageTooLargeError({ what, size: data.length, limit })
}
