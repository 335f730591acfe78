import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { bridgeOptions } from './options.js'

export const bridge: CliCommand = {
  name: 'bridge',
  describe:
    'Send value and data from one SPN to another through the Mailbox; follows it until the destination delivers it.',
  examples: [
    {
      command: 'mesh bridge --from spn1 --to spn2 --value 1ether',
      description: 'move 1 ETH from dev account 0 on spn1 to the same address on spn2',
    },
    {
      command: 'mesh bridge --from spn2 --to spn1 --value 100gwei --data 0xc0ffee --from-account 2 --no-wait',
      description: 'send with data from dev account 2; print the source transaction and return',
    },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'bridge',
      section: 'bridge',
      options: bridgeOptions,
      run: async (o) => (await import('./handler.js')).bridgeHandler(o),
    }),
}
