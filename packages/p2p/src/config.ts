import { multiaddr } from '@multiformats/multiaddr'
import { z } from '@rollup-mesh/core'

const multiaddrString = z.string().refine(
  (value) => {
    try {
      multiaddr(value)
      return true
    } catch {
      return false
    }
  },
  { message: 'expected a multiaddr, e.g. /ip4/127.0.0.1/tcp/4001 or /ip4/10.0.0.2/tcp/4001/p2p/<peer id>' },
)

/**
 * The `p2p` section of a node config file (`mesh node start --config node.json`): parse it with
 * core's `parseConfig(p2pConfigSchema, json.p2p)` and spread the result into `createP2P`.
 */
export const p2pConfigSchema = z
  .object({
    listen: z.array(multiaddrString).default(['/ip4/127.0.0.1/tcp/0']),
    announce: z.array(multiaddrString).optional(),
    bootstrap: z.array(multiaddrString).default([]),
  })
  .strict()

export type P2PConfig = z.output<typeof p2pConfigSchema>
