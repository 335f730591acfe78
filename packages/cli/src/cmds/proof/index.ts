import type { Command } from 'commander'
import type { CliCommand } from '../types.js'

export const proof: CliCommand = {
  name: 'proof',
  describe: 'Export a cross-SPN message proof bundle, or verify one offline.',
  examples: [
    {
      command: 'mesh proof verify bundle.json',
      description: 'check a proof bundle offline, each check reported',
    },
  ],
  register: (_cmd: Command) => {},
}
