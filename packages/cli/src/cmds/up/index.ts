import type { Command } from 'commander'
import { resolveOptions } from '../../options.js'
import type { CliCommand } from '../types.js'
import { upSchema } from './options.js'

export const up: CliCommand = {
  name: 'up',
  describe:
    'Start a local mesh: the main net and N SPNs (default 2), each its own process, with funded dev accounts.',
  examples: [
    {
      command: 'mesh up',
      description: 'start spn1 (EVM-heavy) and spn2 (WASM-heavy) in .mesh/; Ctrl-C stops',
    },
    {
      command: 'mesh up --spns 3 --detach',
      description: 'three SPNs in the background (`mesh down` stops them)',
    },
    { command: 'mesh up --demo', description: 'start, deploy the example tokens, make a cross-VM call' },
    { command: 'mesh up --fresh --block-time 200', description: 'start over with 200 ms blocks' },
  ],
  register(cmd) {
    cmd
      .option('-n, --spns <n>', 'number of SPNs (default 2)')
      .option('-d, --data-dir <dir>', 'where chains, configs and logs live (default .mesh)')
      .option('--block-time <ms>', 'block time in ms (default 500)')
      .option('-p, --port <port>', 'first RPC port, one per network (default: any free port)')
      .option(
        '--workers <n>',
        "parallel execution: threads executing each SPN's blocks, the node's own thread included (0 = the serial executor, the default)",
      )
      .option(
        '--verify-parallel',
        'with --workers: also execute every block serially; a difference is logged (first differing tx and field) and the block is not produced',
      )
      .option('--settle-interval <ms>', 'how often each SPN settles to the main net (default 2000)')
      .option('--no-mainnet', 'run the SPNs only, without the main net')
      .option('--fresh', 'delete the data dir first and start new chains')
      .option('--detach', 'leave the nodes running in the background and exit')
      .option(
        '--export-configs <dir>',
        'only write each node config to <dir> (for `mesh node start` elsewhere)',
      )
      .option(
        '--hosts <ips>',
        'with --export-configs: the IPv4 address of each network, in order (mainnet, spn1, …)',
      )
      .option('--demo', 'deploy Token.sol and token.ts, make a cross-VM call, then keep running')
      .option('--log-level <level>', 'node log level (default info)')
      .option('--json', 'print one JSON object (the state) instead of the banner')
      .action(async (opts: Record<string, unknown>, command: Command) => {
        // commander gives --no-mainnet a default of true; leave it unset so env/config can decide.
        if (command.getOptionValueSource('mainnet') === 'default') delete opts.mainnet
        process.exitCode = await (await import('./handler.js')).upHandler(
          resolveOptions('up', upSchema, opts),
        )
      })
  },
}
