import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { deployOptions } from './options.js'

export const deploy: CliCommand = {
  name: 'deploy',
  describe: 'Compile and deploy a contract (.sol to the EVM, .ts to WASM) on a network of the mesh.',
  examples: [
    {
      command:
        'mesh deploy --network spn1 examples/contracts/Token.sol --args "Mesh Token" MESH 1000000ether',
      description: 'the Solidity token on spn1',
    },
    {
      command: 'mesh deploy --network spn2 examples/contracts/token.ts --args "Wasm Token" WMESH 1000',
      description: 'the AssemblyScript token (WASM) on spn2',
    },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'deploy',
      section: 'deploy',
      options: deployOptions,
      run: async (o) => (await import('./handler.js')).deployHandler(o),
    }),
}
