/**
 * The tokens user mode can drive: the Solidity ERC20 (`examples/contracts/Token.sol`, runs on both nodes)
 * and its AssemblyScript twin (`examples/contracts/token.ts` + `token.abi.json`, WASM: ours only). Both have
 * the same ABI (constructor `(name, symbol, initialSupply)`, `transfer`, `balanceOf`), so one workload
 * drives either; what differs is the code and the gas it needs.
 */
import { join } from 'node:path'
import { compileAssemblyScript, compileSolidityFile } from '@rollup-mesh/dual-vm'
import type { Abi, Hex } from 'viem'
import { UserModeError } from './userModeError.js'

/** `--workload`'s token kinds. */
export const TOKEN_KINDS = ['erc20', 'wasm-token'] as const
export type TokenKind = (typeof TOKEN_KINDS)[number]

export type UserToken = {
  kind: TokenKind
  /** What the table calls it. */
  label: string
  abi: Abi
  /** Creation code (`encodeDeployData`'s `bytecode`; for WASM the envelope-ready module). */
  bytecode: Hex
  /** Gas limit of the deployment. */
  deployGas: bigint
  /**
   * Gas limit of one transfer to a fresh recipient. Measured on an in-process SPN (session 13): the
   * Solidity token's transfer uses 51,233 gas, the WASM token's 70,349 (its deployment 4,863,281).
   */
  transferGas: bigint
  /** Whether anvil can run it (WASM: no). */
  onAnvil: boolean
}

/**
 * Compiles one of the example tokens from the repository at `root`.
 *
 * @example
 * ```ts
 * const token = await loadUserToken(process.cwd(), 'wasm-token') // from the repository root
 * token.bytecode.startsWith('0x0061736d') // true: a WASM module (`\0asm`) that spn1 deploys like EVM code
 * ```
 */
export async function loadUserToken(root: string, kind: TokenKind): Promise<UserToken> {
  switch (kind) {
    case 'erc20': {
      const token = (await compileSolidityFile(join(root, 'examples/contracts/Token.sol'))).contracts.Token
      if (!token) throw new UserModeError('examples/contracts/Token.sol compiled without a Token contract.')
      return {
        kind,
        label: 'ERC20 (Token.sol)',
        abi: token.abi,
        bytecode: token.bytecode,
        deployGas: 2_000_000n,
        transferGas: 60_000n,
        onAnvil: true,
      }
    }
    case 'wasm-token': {
      const token = await compileAssemblyScript(join(root, 'examples/contracts/token.ts'))
      return {
        kind,
        label: 'WASM token (token.ts, AssemblyScript)',
        abi: token.abi,
        bytecode: token.bytecode,
        deployGas: 8_000_000n,
        transferGas: 100_000n,
        onAnvil: false,
      }
    }
    default:
      throw new UserModeError(`Unknown token kind ${JSON.stringify(kind)}.`, [
        `- Expected one of: ${TOKEN_KINDS.join(', ')}.`,
      ])
  }
}
