import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { nodeReplayOptions, nodeStartOptions } from './options.js'

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
    {
      command: 'mesh node replay --config .mesh/spn1/node.json',
      description: "re-execute spn1's stored blocks from genesis and compare every block's roots",
    },
    {
      command: 'mesh node replay --config .mesh/mainnet/node.json',
      description: "the main net's blocks, and every block's commit certificate against its validator set",
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
    declareAction(
      cmd
        .command('replay')
        .description("re-execute a node's stored blocks from genesis and name the first block that differs"),
      {
        usage: 'node replay',
        section: 'node',
        options: nodeReplayOptions,
        omitGlobals: ['config'],
        run: async ({ nodeConfig, ...rest }) =>
          (await import('./replay.js')).nodeReplayHandler({ ...rest, config: nodeConfig }),
      },
    )
  },
}
