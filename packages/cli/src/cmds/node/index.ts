import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { nodeStartOptions } from './options.js'

export const node: CliCommand = {
  name: 'node',
  describe: 'Run one node (an SPN or the main net) in the foreground: the process `mesh up` spawns.',
  examples: [
    {
      command: 'mesh node start --config .mesh/spn1/node.json',
      description: 'run spn1 of a mesh by itself (stop `mesh up` first)',
    },
    {
      command: 'mesh up --export-configs nodes && mesh node start --config nodes/spn1.json',
      description: 'write every node config, then run one of them (e.g. on another host)',
    },
  ],
  register(cmd) {
    declareAction(cmd.command('start').description('start the node described by a node config file'), {
      usage: 'node start',
      section: 'node',
      options: nodeStartOptions,
      omitGlobals: ['config'],
      run: async ({ nodeConfig, ...rest }) =>
        (await import('./handler.js')).nodeStartHandler({ ...rest, config: nodeConfig }),
    })
  },
}
