import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { logsOptions } from './options.js'

export const logs: CliCommand = {
  name: 'logs',
  describe: "Print a network's node log; -f follows it.",
  examples: [
    { command: 'mesh logs spn1', description: 'the last 50 lines of spn1' },
    { command: 'mesh logs spn2 -f', description: 'follow spn2 (Ctrl-C stops)' },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'logs',
      section: 'logs',
      options: logsOptions,
      run: async (o) => (await import('./handler.js')).logsHandler(o),
    }),
}
