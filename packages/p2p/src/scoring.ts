import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'

/**
 * Gossipsub v1.1 peer-score settings for rollup-mesh.
 *
 * The one signal that matters on a quiet chain network is P4 (invalid messages): its value is the
 * square of a decaying counter, so with weight -10 a peer scores -10, -40, -90 after 1, 2, 3 rejected
 * messages. Thresholds: below -10 no gossip is exchanged with the peer, below -20 we stop
 * flood-publishing to it, below -80 (the third invalid message inside the decay window) it is
 * graylisted (its RPCs are dropped unread) and the node disconnects and bans it.
 * P3 (mesh delivery deficit) is off: headers arrive once a block and transactions are sporadic, so
 * honest peers would be punished for a quiet network. P1/P2 give honest peers a small positive
 * margin (capped at 10), enough to absorb one accidental invalid message but not three.
 */
export const defaultTopicScoreParams: Partial<TopicScoreParams> = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 10,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -10,
  /** Per decay interval (1 s): the counter halves in about 23 s. */
  invalidMessageDeliveriesDecay: 0.97,
}

export const defaultPeerScoreParams: Partial<PeerScoreParams> = {
  topicScoreCap: 10,
  appSpecificWeight: 1,
  /** More than 16 peers behind one IP start to cost score (a local mesh is fewer processes than that). */
  IPColocationFactorWeight: -5,
  IPColocationFactorThreshold: 16,
  behaviourPenaltyWeight: -10,
  behaviourPenaltyThreshold: 6,
  behaviourPenaltyDecay: 0.9,
  decayInterval: 1000,
  decayToZero: 0.01,
  /** Keep a disconnected peer's score for 10 minutes, so reconnecting does not launder it. */
  retainScore: 10 * 60 * 1000,
}

export const defaultPeerScoreThresholds: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -20,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 2,
}
