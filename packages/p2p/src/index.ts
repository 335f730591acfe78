import { InvalidParameterError } from '@rollup-mesh/core'

/** Protocol version carried in every topic; bumped on incompatible codec changes. */
export const PROTOCOL_VERSION = 1

export type TopicKind = 'headers' | 'settlements' | 'txs'

/** The gossipsub topic for one kind of message on one network: `/rollup-mesh/1/<network>/<kind>`. */
export function topicName(network: string, kind: TopicKind): string {
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(network)) {
    throw new InvalidParameterError({
      param: 'network',
      expected: 'a lower-case network name of 1-32 characters (a-z, 0-9, -), e.g. "mainnet" or "spn1"',
      got: network,
    })
  }
  return `/rollup-mesh/${PROTOCOL_VERSION}/${network}/${kind}`
}
