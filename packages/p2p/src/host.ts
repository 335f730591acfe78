import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, StrictNoSign } from '@libp2p/gossipsub'
import type { PeerScoreParams, PeerScoreThresholds } from '@libp2p/gossipsub/score'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { defaultPeerScoreParams } from './scoring.js'

/** Hard cap for any gossip frame; per-topic limits (MESSAGE_LIMITS) are tighter and cost the sender score. */
export const MAX_GOSSIP_DATA = 1024 * 1024

export type HostInit = {
  privateKey: PrivateKey | undefined
  listen: string[] | undefined
  announce: string[] | undefined
  scoreParams: Partial<PeerScoreParams> | undefined
  thresholds: PeerScoreThresholds
  heartbeatIntervalMs: number | undefined
  /** The connection gater's rule: dials to and connections from a banned peer are refused. */
  isBanned: (peerId: string) => boolean
}

/**
 * The libp2p host of a rollup-mesh node: TCP + Noise + Yamux + identify + gossipsub (unsigned, message
 * ids from the bytes, scored), with a connection gater that refuses banned peers. Not started.
 */
export function createHost(init: HostInit): Promise<Libp2p> {
  const { isBanned } = init
  return createLibp2p({
    start: false,
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    addresses: {
      listen: init.listen ?? ['/ip4/127.0.0.1/tcp/0'],
      ...(init.announce ? { announce: init.announce } : {}),
    },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialPeer: async (peerId: PeerId) => isBanned(peerId.toString()),
      denyInboundEncryptedConnection: async (peerId: PeerId) => isBanned(peerId.toString()),
      denyOutboundEncryptedConnection: async (peerId: PeerId) => isBanned(peerId.toString()),
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        // Application messages carry their own producer signatures; libp2p-level signing would
        // only make message ids depend on the relaying peer. Ids are sha256(data), so the same
        // bytes from any number of peers are one message, dropped from the seen-cache before decoding.
        globalSignaturePolicy: StrictNoSign,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        maxInboundDataLength: MAX_GOSSIP_DATA,
        heartbeatInterval: init.heartbeatIntervalMs ?? 1000,
        scoreParams: { ...defaultPeerScoreParams, ...init.scoreParams },
        scoreThresholds: init.thresholds,
      }),
    },
  })
}
