import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import { createWasmEngine } from '../../../src/wasm/engine.js'
import { EXAMPLES_DIR, solidity } from '../helpers.js'
import { describeTokenCompliance, type TokenImplementation } from './token.suite.js'

/** Every implementation of the example token runs the same suite. */
export const tokenImplementations: TokenImplementation[] = [
  { name: 'Token.sol (EVM)', vm: 'evm', load: () => solidity('Token.sol', 'Token', EXAMPLES_DIR) },
  {
    name: 'token.ts (AssemblyScript on WASM)',
    vm: 'wasm',
    load: async () => {
      const { abi, bytecode } = await compileAssemblyScript(`${EXAMPLES_DIR}token.ts`)
      return { abi, bytecode, wasm: createWasmEngine() }
    },
  },
]

for (const impl of tokenImplementations) describeTokenCompliance(impl)
