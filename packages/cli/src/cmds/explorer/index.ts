import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { explorerOptions } from './options.js'

export const explorer: CliCommand = {
  name: 'explorer',
  describe:
    'Serve the explorer (blocks, transactions, settlements and messages of every network, live) for a running mesh.',
  examples: [
    {
      command: 'mesh explorer',
      description: 'serve it for the mesh in .mesh/ on its explorer port; Ctrl-C stops',
    },
    { command: 'mesh explorer --open', description: 'and open it in the browser' },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'explorer',
      section: 'explorer',
      options: explorerOptions,
      run: async (o) => (await import('./handler.js')).explorerHandler(o),
    }),
}
