import { InvalidParameterError } from '@rollup-mesh/core'

/** Protocol version carried in every topic; bumped on incompatible codec changes. */
export const PROTOCOL_VERSION = 1

/**
 * What a topic carries. `headers` on the main net's network name are main-net headers, on an SPN's
 * name SPN headers; `settlements` on an SPN's name are that SPN's settlements (read by the main net).
 */
export type TopicKind = 'headers' | 'settlements' | 'txs' | 'consensus' | 'proposals'

/**
 * `consensus` carries validators' votes (and proposals without a body), `proposals` a proposal with its
 * block (`ProposalEnvelope`); both are the main net's, checked by the node's validator (signature, known
 * validator, height window).
 */
export const TOPIC_KINDS: readonly TopicKind[] = ['headers', 'settlements', 'txs', 'consensus', 'proposals']

const NETWORK_RE = /^[a-z0-9][a-z0-9-]{0,31}$/

export function assertNetworkName(network: string): void {
  if (!NETWORK_RE.test(network)) {
    throw new InvalidParameterError({
      param: 'network',
      expected: 'a lower-case network name of 1-32 characters (a-z, 0-9, -), e.g. "mainnet" or "spn1"',
      got: network,
    })
  }
}

/** The gossipsub topic for one kind of message on one network: `/rollup-mesh/1/<network>/<kind>`. */
export function topicName(network: string, kind: TopicKind): string {
  assertNetworkName(network)
  return `/rollup-mesh/${PROTOCOL_VERSION}/${network}/${kind}`
}

/** Inverse of `topicName`; null for a topic that is not one of ours (or of another protocol version). */
export function parseTopic(topic: string): { network: string; kind: TopicKind } | null {
  const m = /^\/rollup-mesh\/(\d+)\/([^/]+)\/([^/]+)$/.exec(topic)
  if (!m || Number(m[1]) !== PROTOCOL_VERSION) return null
  const network = m[2] as string
  const kind = m[3] as TopicKind
  if (!NETWORK_RE.test(network) || !TOPIC_KINDS.includes(kind)) return null
  return { network, kind }
}
