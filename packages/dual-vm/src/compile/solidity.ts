import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { BaseError } from '@rollup-mesh/core'
import type { Abi, Hex } from 'viem'

/**
 * The EVM version solc targets: Osaka, the hardfork the executor's
 * @ethereumjs/evm runs (see `EVM_HARDFORK`).
 */
export const SOLIDITY_EVM_VERSION = 'osaka'

export type CompiledContract = {
  /** `path:Name`, as solc names it. */
  id: string
  contractName: string
  sourceName: string
  abi: Abi
  /** Creation (init) code. */
  bytecode: Hex
  /** Runtime code. */
  deployedBytecode: Hex
}

export type SolidityDiagnostic = {
  severity: 'error' | 'warning' | 'info'
  file: string | undefined
  line: number | undefined
  column: number | undefined
  message: string
  /** `file:line:column: message`, or the message alone when solc gave no location. */
  formatted: string
}

export type CompileSolidityOptions = {
  /** Source files by name (`{ 'Token.sol': '...' }`); imports are resolved among these first. */
  sources: Record<string, string>
  /** Where to resolve other imports: directories searched in order, then node_modules from `basePath`. */
  importPaths?: string[]
  /** Directory whose node_modules serve package imports such as `@openzeppelin/contracts/...`; default cwd. */
  basePath?: string
  /** Optimizer runs (the optimizer is always on); default 200. */
  optimizerRuns?: number
}

export type CompileSolidityResult = {
  /** Every contract, keyed by its name (and by `path:Name`). */
  contracts: Record<string, CompiledContract>
  warnings: SolidityDiagnostic[]
  /** solc's version string. */
  compilerVersion: string
}

/** solc reported errors; each names its file, line and column. */
export class SolidityCompileError extends BaseError {
  readonly diagnostics: readonly SolidityDiagnostic[]
  constructor(diagnostics: readonly SolidityDiagnostic[]) {
    super(`Solidity compilation failed with ${diagnostics.length} error(s).`, {
      code: 'SOLIDITY_COMPILE_FAILED',
      name: 'SolidityCompileError',
      metaMessages: diagnostics.map((d) => `- ${d.formatted}`),
    })
    this.diagnostics = diagnostics
  }
}

type SolcModule = { compile(input: string, callbacks?: unknown): string; version(): string }
let solcPromise: Promise<SolcModule> | undefined

/** solc-js takes about a second to load its Emscripten build, so it is loaded on first use. */
function loadSolc(): Promise<SolcModule> {
  solcPromise ??= import('solc').then((m) => (m.default ?? m) as SolcModule)
  return solcPromise
}

type SolcError = {
  severity: 'error' | 'warning' | 'info'
  message: string
  formattedMessage?: string
  sourceLocation?: { file: string; start: number; end: number }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lastNewline = -1
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lastNewline = i
    }
  }
  return { line, column: offset - lastNewline }
}

/**
 * Compiles Solidity with solc-js 0.8.x over standard JSON, optimizer on,
 * targeting `SOLIDITY_EVM_VERSION`. Throws `SolidityCompileError` listing each
 * error as `file:line:column: message`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { compileSolidity } from '@rollup-mesh/dual-vm'
 *
 * const { contracts } = await compileSolidity({
 *   sources: {
 *     'Answer.sol': 'pragma solidity ^0.8.0; contract Answer { function get() external pure returns (uint256) { return 42; } }',
 *   },
 * })
 * const { abi, bytecode, deployedBytecode } = contracts.Answer
 * assert.equal(abi[0].name, 'get')
 * assert.ok(bytecode.length > deployedBytecode.length) // init code wraps the runtime code
 * ```
 */
export async function compileSolidity(options: CompileSolidityOptions): Promise<CompileSolidityResult> {
  const solc = await loadSolc()
  const texts = new Map<string, string>(Object.entries(options.sources))
  const basePath = resolve(options.basePath ?? process.cwd())
  const require = createRequire(join(basePath, 'package.json'))
  const importPaths = options.importPaths ?? []

  const findImports = (path: string): { contents: string } | { error: string } => {
    const own = texts.get(path)
    if (own !== undefined) return { contents: own }
    const candidates = [
      ...(isAbsolute(path) ? [path] : []),
      ...importPaths.map((dir) => join(dir, path)),
      join(basePath, path),
    ]
    for (const candidate of candidates) {
      if (existsSync(candidate)) {
        const contents = readFileSync(candidate, 'utf8')
        texts.set(path, contents)
        return { contents }
      }
    }
    try {
      const contents = readFileSync(require.resolve(path), 'utf8')
      texts.set(path, contents)
      return { contents }
    } catch {
      return {
        error: `File not found: ${path} (searched ${[...importPaths, basePath].join(', ')} and node_modules)`,
      }
    }
  }

  const input = {
    language: 'Solidity',
    sources: Object.fromEntries([...texts].map(([name, content]) => [name, { content }])),
    settings: {
      evmVersion: SOLIDITY_EVM_VERSION,
      optimizer: { enabled: true, runs: options.optimizerRuns ?? 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as {
    errors?: SolcError[]
    contracts?: Record<
      string,
      Record<
        string,
        { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
      >
    >
  }
  const diagnostics = (output.errors ?? []).map((e): SolidityDiagnostic => {
    const file = e.sourceLocation?.file
    const text = file !== undefined ? texts.get(file) : undefined
    const at = text !== undefined && e.sourceLocation ? lineColumn(text, e.sourceLocation.start) : undefined
    const formatted = at ? `${file}:${at.line}:${at.column}: ${e.message}` : e.message
    return { severity: e.severity, file, line: at?.line, column: at?.column, message: e.message, formatted }
  })
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new SolidityCompileError(errors)

  const contracts: Record<string, CompiledContract> = {}
  for (const [sourceName, byName] of Object.entries(output.contracts ?? {})) {
    for (const [contractName, c] of Object.entries(byName)) {
      const compiled: CompiledContract = {
        id: `${sourceName}:${contractName}`,
        contractName,
        sourceName,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      }
      contracts[compiled.id] = compiled
      // Contracts of the caller's own sources win the short name over imported ones.
      if (!(contractName in contracts) || sourceName in options.sources) contracts[contractName] = compiled
    }
  }
  return {
    contracts,
    warnings: diagnostics.filter((d) => d.severity !== 'error'),
    compilerVersion: solc.version(),
  }
}

/** Compiles one `.sol` file from disk; its directory and node_modules serve its imports. */
export async function compileSolidityFile(
  path: string,
  options: Omit<CompileSolidityOptions, 'sources'> = {},
): Promise<CompileSolidityResult> {
  const absolute = resolve(path)
  return compileSolidity({
    ...options,
    sources: { [basename(absolute)]: readFileSync(absolute, 'utf8') },
    importPaths: [dirname(absolute), ...(options.importPaths ?? [])],
    basePath: options.basePath ?? dirname(absolute),
  })
}
