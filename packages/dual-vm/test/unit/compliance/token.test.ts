import { EXAMPLES_DIR, solidity } from '../helpers.js'
import { describeTokenCompliance, type TokenImplementation } from './token.suite.js'

/**
 * Every implementation of the example token runs the same suite. The
 * AssemblyScript token (examples/contracts/token.ts) joins this list with
 * `vm: 'wasm'` and a `load()` that compiles it and returns the WASM engine.
 */
export const tokenImplementations: TokenImplementation[] = [
  { name: 'Token.sol (EVM)', vm: 'evm', load: () => solidity('Token.sol', 'Token', EXAMPLES_DIR) },
]

for (const impl of tokenImplementations) describeTokenCompliance(impl)
