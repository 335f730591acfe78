import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { statusOptions } from './options.js'

export const status: CliCommand = {
  name: 'status',
  describe: 'Show each network of the running mesh: height, last block age, peers, pool.',
  examples: [
    { command: 'mesh status', description: 'a table of every network' },
    { command: 'mesh status --json', description: 'the same as JSON (exit code 1 if a node is down)' },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'status',
      section: 'status',
      options: statusOptions,
      run: async (o) => (await import('./handler.js')).statusHandler(o),
    }),
}
