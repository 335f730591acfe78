import { crash } from './crash.js'
import { disk } from './disk.js'
import { gossipAbuse } from './gossipAbuse.js'
import { partition } from './partition.js'
import { rpcAbuse } from './rpcAbuse.js'
import type { Scenario } from './scenario.js'

/** The scenarios `npm run soak` knows, by name, in the order they run by default. */
export const scenarios: Record<string, Scenario> = {
  'rpc-abuse': rpcAbuse,
  crash,
  disk,
  'gossip-abuse': gossipAbuse,
  partition,
}
