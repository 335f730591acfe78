import { dataDir, fromAccount, network, rpcUrl, value } from '../../options/common.js'
import { arg, option, type Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'
import { list, text } from '../../options/values.js'

/** `mesh deploy`'s argument and options, declared once. */
export const deployOptions = {
  file: arg({ syntax: '<file>', description: 'a .sol or .ts contract', type: text }),
  network,
  rpcUrl,
  contract: option({
    flag: '--contract <name>',
    description: 'which contract of the file',
    type: text.optional(),
    defaultText: 'the one named like the file',
  }),
  args: option({
    flag: '--args <values...>',
    description: 'constructor arguments (numbers, 1ether, addresses, JSON for arrays)',
    type: list.default([]),
  }),
  from: fromAccount('--from <account>'),
  value,
  dataDir,
}
export type DeployOptions = Parsed<typeof deployOptions & typeof globalOptions>
