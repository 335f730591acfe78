import type { Command } from 'commander'
import type { CliCommand } from '../types.js'

export const bridge: CliCommand = {
  name: 'bridge',
  describe: 'Send value and data from one SPN to another through the Mailbox; follows it to delivery.',
  examples: [
    {
      command: 'mesh bridge --from spn1 --to spn2 --value 1ether',
      description: 'move 1 ETH from dev account 0 on spn1 to the same address on spn2',
    },
  ],
  register: (_cmd: Command) => {},
}
