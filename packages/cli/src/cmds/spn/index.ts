import { z } from '@rollup-mesh/core'
import { globalShape, num, resolveOptions } from '../../options.js'
import type { CliCommand } from '../types.js'

export const spnAddSchema = z.object({
  ...globalShape,
  dataDir: z.string().optional(),
  vm: z.enum(['evm', 'wasm']).optional(),
  blockTime: num(10, 60_000).optional(),
  settleInterval: num(100, 3_600_000).optional(),
})
export type SpnAddOptions = z.output<typeof spnAddSchema>

export const spn: CliCommand = {
  name: 'spn',
  describe: 'Manage the SPNs of a running mesh (add one: registered on the main net, started, settling).',
  examples: [
    { command: 'mesh spn add', description: 'start spn3, register it on the main net, let it settle' },
    { command: 'mesh spn add --vm wasm --json', description: 'the same, labelled WASM-heavy, as JSON' },
  ],
  register(cmd) {
    cmd
      .command('add')
      .description('add an SPN to the running mesh: start it, register it on the main net, record it')
      .option('-d, --data-dir <dir>', 'the mesh data dir (default .mesh)')
      .option('--vm <vm>', 'the VM the SPN is meant for (evm|wasm; both VMs always run)')
      .option('--block-time <ms>', 'block time in ms (default 500)')
      .option('--settle-interval <ms>', 'how often it settles to the main net (default 2000)')
      .option('--json', 'print one JSON object')
      .action(async (opts: Record<string, unknown>) => {
        process.exitCode = await (await import('./handler.js')).spnAddHandler(
          resolveOptions('spn', spnAddSchema, opts),
        )
      })
  },
}
