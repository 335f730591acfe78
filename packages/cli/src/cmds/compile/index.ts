import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { compileOptions } from './options.js'

export const compile: CliCommand = {
  name: 'compile',
  describe: 'Compile a Solidity (.sol, solc) or AssemblyScript (.ts, asc → WASM) contract.',
  examples: [
    {
      command: 'mesh compile examples/contracts/Token.sol',
      description: 'compile and write Token.abi.json beside it',
    },
    {
      command: 'mesh compile examples/contracts/token.ts --json',
      description: 'the WASM module and ABI as JSON',
    },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'compile',
      section: 'compile',
      options: compileOptions,
      run: async (o) => (await import('./handler.js')).compileHandler(o),
    }),
}
