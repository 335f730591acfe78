import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { downOptions } from './options.js'

export const down: CliCommand = {
  name: 'down',
  describe: 'Stop the mesh started by `mesh up` (detached or not) in a data dir.',
  examples: [{ command: 'mesh down', description: 'stop every node of the mesh in .mesh/' }],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'down',
      section: 'down',
      options: downOptions,
      run: async (o) => (await import('./handler.js')).downHandler(o),
    }),
}
