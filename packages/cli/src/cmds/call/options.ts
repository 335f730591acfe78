import { dataDir, fromAccount, network, rpcUrl, value } from '../../options/common.js'
import { arg, option, type Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'
import { list, text } from '../../options/values.js'

/** `mesh call`'s arguments and options, declared once. */
export const callOptions = {
  address: arg({ syntax: '<address>', description: 'contract address', type: text }),
  function: arg({
    syntax: '<function>',
    description: 'signature like "balanceOf(address)(uint256)", or a name with --abi',
    type: text,
  }),
  args: arg({
    syntax: '[args...]',
    description: 'arguments (numbers, 1ether, addresses, JSON for arrays/tuples)',
    type: list.default([]),
  }),
  network,
  rpcUrl,
  abi: option({
    flag: '--abi <file>',
    description: 'ABI JSON file',
    type: text.optional(),
    defaultText: 'the ABI `mesh deploy` recorded for the address',
  }),
  from: fromAccount('--from <account>'),
  dataDir,
}

/** `mesh send`: `mesh call`'s, and the value to send. */
export const sendOptions = { ...callOptions, value }

export type CallOptions = Parsed<typeof sendOptions & typeof globalOptions>
