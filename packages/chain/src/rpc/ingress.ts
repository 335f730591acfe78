import type { Hex } from 'viem'
import type { BodyLimits, TxDecoder } from '../decoder.js'
import { INGRESS_METHOD, type ParsedBody, parseRequestBody } from './ingressParse.js'

/** A request body parsed, and what to call once its payload was dispatched. */
export type IngressParsed = ParsedBody & { done(): void }

/** Parses request bodies off the block thread (`createRPCServer`'s `ingress`). */
export type RPCIngress = {
  /** The parse of `body` (under the server's `limits`) when the ingress takes it; undefined: the caller parses it. */
  take(body: Buffer, limits: BodyLimits): Promise<IngressParsed> | undefined
}

const METHOD_BYTES = Buffer.from(INGRESS_METHOD)
const nothing = (): void => undefined

/**
 * The write path's ingress: a body that carries `eth_sendRawTransaction` (one byte search, on this thread)
 * is JSON-parsed on a decode thread, which also decodes each transaction and recovers its sender; the
 * block thread then dispatches the payload as before, and the mempool's decode answers from that work.
 * Refusals (invalid JSON, too deep, every transaction rejection) are the same answers as without it: the
 * same parse function runs there, and dispatch and pool admission (nonce, balance) stay here. Other
 * bodies (polls, reads) are left to the caller: a round trip costs them more than their parse. If the
 * decode thread fails, the body is parsed here.
 *
 * @example
 * ```ts
 * const decoder = createTxDecoderPool({ chainId: 901n })
 * const rpc = createRPCServer(methods, { ingress: createSendIngress(decoder) })
 * ```
 */
export function createSendIngress(decoder: TxDecoder): RPCIngress {
  return {
    take(body, limits) {
      if (!decoder.parseBody || body.indexOf(METHOD_BYTES) < 0) return undefined
      const parsed = decoder.parseBody(body, limits)
      if (!parsed) return undefined
      return parsed.then(
        (b) => {
          const primed: readonly Hex[] = b.primed ?? []
          return { ...b, done: primed.length ? () => decoder.forget?.(primed) : nothing }
        },
        () => ({ ...parseRequestBody(body, limits.maxDepth), done: nothing }),
      )
    },
  }
}
