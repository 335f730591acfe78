import { resolveOptions } from '../../options.js'
import type { CliCommand } from '../types.js'
import { nodeStartSchema } from './options.js'

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
    cmd
      .command('start')
      .description('start the node described by a node config file')
      .requiredOption('-c, --config <file>', 'node config (mesh up writes <data-dir>/<network>/node.json)')
      .option('--json', 'print one JSON ready line instead of text')
      .action(async (opts: Record<string, unknown>) => {
        process.exitCode = await (await import('./handler.js')).nodeStartHandler(
          resolveOptions('node', nodeStartSchema, opts),
        )
      })
  },
}
