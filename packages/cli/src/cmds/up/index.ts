import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { upOptions } from './options.js'

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
    {
      command: 'mesh up --demo',
      description:
        'start, deploy the example tokens (EVM and WASM), make a cross-VM call, send a cross-network message to delivery and verify its proof bundle',
    },
    { command: 'mesh up --fresh --block-time 200', description: 'start over with 200 ms blocks' },
    {
      command: 'mesh up --cors http://localhost:5173',
      description: 'let a web app served at http://localhost:5173 call every node (CORS and WebSocket)',
    },
    {
      command: 'mesh up --rpc-host 0.0.0.0 --rpc-allowed-hosts devbox.lan',
      description:
        'serve the RPC to the local network under the name devbox.lan (signing and dev methods stay refused without --rpc-allow-unsafe)',
    },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'up',
      section: 'up',
      options: upOptions,
      run: async (o) => (await import('./handler.js')).upHandler(o),
    }),
}
