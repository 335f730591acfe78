import type { Command } from 'commander'
import { resolveOptions } from '../../options.js'
import type { CliCommand } from '../types.js'
import { bridgeSchema } from './options.js'

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
  register: (cmd: Command) => {
    cmd
      .requiredOption('--to <network>', 'destination SPN (spn2, …)')
      .option('--from <network>', 'source SPN (default spn1)')
      .option('--value <amount>', 'value to send: wei, or 1ether, 0.5eth, 100gwei (default 0)')
      .option('--to-address <address>', 'recipient on the destination (default: the sender)')
      .option('--data <hex>', 'data passed to the recipient (default 0x)')
      .option('--from-account <account>', 'dev account index (0-9), dev address or private key (default 0)')
      .option('--no-wait', 'return once the source transaction is mined')
      .option('--timeout <s>', 'seconds to wait for settlement and delivery (default 120)')
      .option('-d, --data-dir <dir>', 'the mesh data dir (default .mesh)')
      .option('--json', 'print one JSON object')
      .action(async (opts: Record<string, unknown>) => {
        process.exitCode = await (await import('./handler.js')).bridgeHandler(
          resolveOptions('bridge', bridgeSchema, opts),
        )
      })
  },
}
