import { z } from '@rollup-mesh/core'
import { option } from './declare.js'
import { text } from './values.js'

/** Declarations several commands share. */
export const dataDir = option({
  flag: '-d, --data-dir <dir>',
  description: 'the mesh data dir',
  type: text.optional(),
  defaultText: '.mesh',
})

export const network = option({
  flag: '--network <name>',
  description: 'network of the mesh',
  type: text.optional(),
  defaultText: 'spn1',
})

export const rpcUrl = option({
  flag: '--rpc-url <url>',
  description: 'use this RPC endpoint instead of the mesh state file',
  type: z.url({ error: 'expected a URL (http://host:port)' }).optional(),
})

export const fromAccount = (flag: string) =>
  option({
    flag,
    description: 'dev account index (0-9), dev address or private key',
    type: text.optional(),
    defaultText: '0',
  })

export const value = option({
  flag: '--value <amount>',
  description: 'value to send: wei, or 1ether, 0.5eth, 100gwei',
  type: text.optional(),
  defaultText: '0',
})
