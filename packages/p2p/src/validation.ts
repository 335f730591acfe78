import { TopicValidatorResult } from '@libp2p/gossipsub'
import { type Address, isAddressEqual, type Logger } from '@rollup-mesh/core'
import {
  type ConsensusEnvelope,
  decodeConsensusEnvelope,
  decodeProposalEnvelope,
  type ProposalEnvelope,
} from './messages/consensus.js'
import { decodeHeader, recoverHeaderSigner, type SignedHeader } from './messages/header.js'
import { MESSAGE_LIMITS } from './messages/limits.js'
import { decodeSettlement, recoverSettlementSigner, type SignedSettlement } from './messages/settlement.js'
import { decodeTx, type GossipTx, type TxSenderRecovery } from './messages/tx.js'
import { assertNetworkName, parseTopic, type TopicKind } from './topics.js'

export type ValidationResult = 'accept' | 'reject' | 'ignore'

/** A gossip message after strict decoding and signature recovery, handed to validators and listeners. */
export type GossipMessage =
  | { kind: 'headers'; network: string; from: string; header: SignedHeader; signer: Address }
  | { kind: 'settlements'; network: string; from: string; settlement: SignedSettlement; signer: Address }
  | { kind: 'txs'; network: string; from: string; tx: GossipTx }
  /** A consensus vote or proposal; its codec and signature are the node's validator's to check. */
  | { kind: 'consensus'; network: string; from: string; envelope: ConsensusEnvelope }
  | { kind: 'proposals'; network: string; from: string; envelope: ProposalEnvelope }

/** The node's own check of a decoded message (e.g. "extends my chain"); runs before forwarding. */
export type GossipValidator = (message: GossipMessage) => ValidationResult | Promise<ValidationResult>

/** Largest message per topic kind; a larger one is rejected unread (and costs the sender score). */
export const TOPIC_LIMITS: Record<TopicKind, number> = {
  headers: MESSAGE_LIMITS.header,
  settlements: MESSAGE_LIMITS.settlement,
  txs: MESSAGE_LIMITS.tx,
  consensus: MESSAGE_LIMITS.consensus + 16,
  proposals: MESSAGE_LIMITS.proposal,
}

/**
 * Gossip validation, in order: topic, size, strict decoding, producer signature (headers and settlements
 * on a network with a known producer), then the node's own validator. A reject lowers the sender's
 * gossipsub score (see scoring.ts); an accepted message's decoded form is kept for the `message` event.
 */
export class GossipValidation {
  readonly #log: Logger
  readonly #validators = new Map<string, GossipValidator>()
  readonly #producers = new Map<string, readonly Address[]>()
  readonly #decoded = new WeakMap<Uint8Array, GossipMessage>()
  readonly #recoverTxSender: TxSenderRecovery | undefined

  constructor(log: Logger, recoverTxSender?: TxSenderRecovery) {
    this.#log = log
    this.#recoverTxSender = recoverTxSender
  }

  /** Sets (or with `undefined` removes) the node's own check for one topic. */
  setValidator(topic: string, validator: GossipValidator | undefined): void {
    if (validator) this.#validators.set(topic, validator)
    else this.#validators.delete(topic)
  }

  /**
   * Sets (or removes) the address whose signature headers and settlements on `network` must carry; a list
   * accepts any of them (the main net's validators).
   */
  setProducer(network: string, producer: Address | readonly Address[] | undefined): void {
    assertNetworkName(network)
    const list = producer === undefined ? [] : typeof producer === 'string' ? [producer] : producer
    if (list.length) this.#producers.set(network, list)
    else this.#producers.delete(network)
  }

  /** The decoded form of bytes this validator accepted (gossipsub hands the same bytes to the message event). */
  accepted(data: Uint8Array): GossipMessage | undefined {
    return this.#decoded.get(data)
  }

  /** The gossipsub topic validator: size, strict codec, producer signature, then the node's own check. */
  async validate(from: string, topic: string, data: Uint8Array): Promise<TopicValidatorResult> {
    const parsed = parseTopic(topic)
    if (!parsed) return TopicValidatorResult.Ignore
    const { network, kind } = parsed
    if (data.length > TOPIC_LIMITS[kind]) return this.#verdict('reject', from, topic, 'over the size limit')
    let message: GossipMessage
    try {
      message = await this.decode(topic, data, from)
    } catch (err) {
      return this.#verdict('reject', from, topic, (err as Error).message.split('\n')[0])
    }
    if (message.kind === 'headers' || message.kind === 'settlements') {
      const producers = this.#producers.get(network)
      const signer = message.signer
      if (producers && !producers.some((p) => isAddressEqual(p, signer)))
        return this.#verdict(
          'reject',
          from,
          topic,
          `signed by ${signer}, not the producer ${producers.join(' or ')}`,
        )
    }
    const validator = this.#validators.get(topic)
    let result: ValidationResult = 'accept'
    if (validator) {
      try {
        result = await validator(message)
      } catch (err) {
        this.#log.warn({ err, topic }, 'gossip validator threw; ignoring the message')
        result = 'ignore'
      }
    }
    if (result === 'accept') this.#decoded.set(data, message)
    return this.#verdict(result, from, topic)
  }

  /** Strict decoding of a message of one of our topics, with the signer recovered for headers and settlements. */
  async decode(topic: string, data: Uint8Array, from: string): Promise<GossipMessage> {
    const { network, kind } = parseTopic(topic) as { network: string; kind: TopicKind }
    if (kind === 'headers') {
      const header = decodeHeader(data)
      return { kind, network, from, header, signer: await recoverHeaderSigner(network, header) }
    }
    if (kind === 'settlements') {
      const settlement = decodeSettlement(data)
      return { kind, network, from, settlement, signer: await recoverSettlementSigner(network, settlement) }
    }
    if (kind === 'consensus') {
      return { kind, network, from, envelope: decodeConsensusEnvelope(data) }
    }
    if (kind === 'proposals') return { kind, network, from, envelope: decodeProposalEnvelope(data) }
    return { kind, network, from, tx: await decodeTx(data, this.#recoverTxSender) }
  }

  #verdict(result: ValidationResult, from: string, topic: string, reason?: string): TopicValidatorResult {
    if (result !== 'accept') this.#log.debug({ from, topic, result, reason }, 'gossip message not accepted')
    return result === 'accept'
      ? TopicValidatorResult.Accept
      : result === 'reject'
        ? TopicValidatorResult.Reject
        : TopicValidatorResult.Ignore
  }
}
