import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { spnAddOptions } from './options.js'

export const spn: CliCommand = {
  name: 'spn',
  describe: 'Manage the SPNs of a running mesh (add one: registered on the main net, started, settling).',
  examples: [
    { command: 'mesh spn add', description: 'start spn3, register it on the main net, let it settle' },
    { command: 'mesh spn add --vm wasm --json', description: 'the same, labelled WASM-heavy, as JSON' },
  ],
  register(cmd) {
    declareAction(
      cmd
        .command('add')
        .description('add an SPN to the running mesh: start it, register it on the main net, record it'),
      {
        usage: 'spn add',
        section: 'spn',
        options: spnAddOptions,
        run: async (o) => (await import('./handler.js')).spnAddHandler(o),
      },
    )
  },
}
