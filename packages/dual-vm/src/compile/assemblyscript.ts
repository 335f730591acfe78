import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BaseError } from '@rollup-mesh/core'
import { type Abi, bytesToHex, type Hex } from 'viem'
import { toEnvelopeModule } from '../wasm/envelope.js'
import { MAX_MEMORY_PAGES } from '../wasm/hostAbi.js'

/** The AssemblyScript SDK entry (packages/dual-vm/sdk/assembly/index.ts), without the extension. */
export const ASSEMBLYSCRIPT_SDK_ENTRY = fileURLToPath(new URL('../../sdk/assembly/index', import.meta.url))

export type AssemblyScriptDiagnostic = {
  severity: 'error' | 'warning'
  message: string
  /** `file:line:column`, when the compiler gave one. */
  location?: string | undefined
}

/** asc reported errors; `diagnostics` has each with its `file:line:column`. */
export class AssemblyScriptCompileError extends BaseError {
  readonly diagnostics: AssemblyScriptDiagnostic[]
  constructor(file: string, diagnostics: AssemblyScriptDiagnostic[], details?: string) {
    const errors = diagnostics.filter((d) => d.severity === 'error')
    const first = errors[0]
    super(
      first
        ? `AssemblyScript compile of ${file} failed: ${first.location ? `${first.location}: ` : ''}${first.message}`
        : `AssemblyScript compile of ${file} failed.`,
      {
        code: 'ASSEMBLYSCRIPT_COMPILE',
        name: 'AssemblyScriptCompileError',
        metaMessages: errors.slice(1, 6).map((d) => `- ${d.location ? `${d.location}: ` : ''}${d.message}`),
        details,
      },
    )
    this.diagnostics = diagnostics
  }
}

export type CompileAssemblyScriptOptions = {
  /** The contract's ABI; defaults to the JSON file beside the source (`token.ts` → `token.abi.json`). */
  abi?: Abi | undefined
  /** asc optimize level 0–3 (default 3) and shrink level 0–2 (default 1). */
  optimizeLevel?: number | undefined
  shrinkLevel?: number | undefined
  /**
   * Also export the runtime's helpers (`__new`, `__pin`, `__unpin`, `__collect`, `__rtti_base`), so that
   * `@assemblyscript/loader` can pass strings and arrays in and out (tests of SDK code called from
   * JavaScript). Default false: contracts have no use for them.
   */
  exportRuntime?: boolean | undefined
}

export type CompileAssemblyScriptResult = {
  /**
   * Envelope-ready module (`0x…`): pass it as `bytecode` to viem's
   * `deployContract`/`encodeDeployData`; ABI-encoded constructor args appended
   * after it reach the contract's `deploy` export as calldata.
   */
  bytecode: Hex
  /** The raw compiled module (no envelope marker). */
  wasm: Uint8Array
  abi: Abi
  warnings: AssemblyScriptDiagnostic[]
  /** Compile time in milliseconds. */
  ms: number
}

type AscModule = {
  main: (
    argv: string[],
    api: {
      readFile: (name: string, baseDir: string) => string | null | Promise<string | null>
      writeFile: (name: string, contents: Uint8Array | string, baseDir: string) => void
      listFiles: (dirname: string, baseDir: string) => string[] | null
      stdout: { write: (s: string) => void; toString: () => string }
      stderr: { write: (s: string) => void; toString: () => string }
    },
  ) => Promise<{ error: Error | null; stderr: { toString: () => string } }>
  createMemoryStream: () => { write: (s: string) => void; toString: () => string }
}

let ascPromise: Promise<AscModule> | undefined
const loadAsc = () => {
  ascPromise ??= import('assemblyscript/asc').then((m) => (m as unknown as { default: AscModule }).default)
  return ascPromise
}

/** Parses asc's diagnostics ("ERROR TS2304: message … └─ in file.ts(2,91)"). */
function parseDiagnostics(text: string, baseDir: string): AssemblyScriptDiagnostic[] {
  const diagnostics: AssemblyScriptDiagnostic[] = []
  let current: AssemblyScriptDiagnostic | undefined
  // biome-ignore lint/suspicious/noControlCharactersInRegex: asc colours its output with ANSI escapes
  for (const raw of text.replace(/\u001b\[[0-9;]*m/g, '').split('\n')) {
    const line = raw.trimEnd()
    const head = /^(ERROR|WARNING)( [A-Z]+\d+)?: (.*)$/.exec(line)
    if (head) {
      current = { severity: head[1] === 'ERROR' ? 'error' : 'warning', message: head[3]! }
      diagnostics.push(current)
      continue
    }
    const at = /in (.+)\((\d+),(\d+)\)\s*$/.exec(line)
    if (at && current && current.location === undefined) {
      const file = at[1]!.startsWith('~lib') ? at[1]! : resolve(baseDir, at[1]!)
      current.location = `${file}:${at[2]}:${at[3]}`
    }
  }
  return diagnostics
}

/**
 * Compiles an AssemblyScript contract with the asc API, in memory: stub runtime
 * (no GC, no floats pulled in), optimized, memory bounded to the runtime's
 * limit, AssemblyScript's `abort` routed to the SDK so failed assertions revert
 * with `Error(string)`. Imports are read from disk relative to the file; the
 * SDK lives at `packages/dual-vm/sdk/assembly`. The ABI comes from
 * `options.abi` or from `<name>.abi.json` beside the source.
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { compileAssemblyScript, validateAndInstrument } from '@rollup-mesh/dual-vm'
 *
 * // From the repository root: the AssemblyScript twin of Counter.sol (ABI from counter.abi.json beside it).
 * const { bytecode, wasm, abi } = await compileAssemblyScript('examples/contracts/counter.ts')
 * assert.ok(bytecode.startsWith('0x0061736d')) // `\0asm`: deploy it with viem's deployContract({ abi, bytecode })
 * assert.ok(abi.some((item) => item.name === 'increment'))
 * assert.ok(validateAndInstrument(wasm).code.length > wasm.length) // what deployment stores: metered code
 * ```
 */
export async function compileAssemblyScript(
  file: string,
  options: CompileAssemblyScriptOptions = {},
): Promise<CompileAssemblyScriptResult> {
  const started = performance.now()
  const path = resolve(file)
  const baseDir = dirname(path)
  const entry = relative(baseDir, path)
  let abi = options.abi
  if (!abi) {
    const abiFile = path.replace(/\.ts$/, '.abi.json')
    try {
      abi = JSON.parse(await readFile(abiFile, 'utf8')) as Abi
    } catch (error) {
      throw new AssemblyScriptCompileError(
        file,
        [{ severity: 'error', message: `no ABI: pass options.abi or put a JSON ABI at ${abiFile}` }],
        (error as Error).message,
      )
    }
  }
  const asc = await loadAsc()
  const sdk = relative(baseDir, ASSEMBLYSCRIPT_SDK_ENTRY).split('\\').join('/')
  const compile = async (abort: string) => {
    const outputs = new Map<string, Uint8Array | string>()
    const stderr = asc.createMemoryStream()
    const { error } = await asc.main(
      [
        entry,
        '--baseDir',
        baseDir,
        '--outFile',
        'contract.wasm',
        '--runtime',
        'stub',
        '--optimizeLevel',
        String(options.optimizeLevel ?? 3),
        '--shrinkLevel',
        String(options.shrinkLevel ?? 1),
        '--use',
        `abort=${abort}`,
        '--exportStart',
        '_initialize',
        '--maximumMemory',
        String(MAX_MEMORY_PAGES),
        '--noColors',
        ...(options.exportRuntime ? ['--exportRuntime'] : []),
      ],
      {
        readFile: async (name, dir) => {
          try {
            return await readFile(isAbsolute(name) ? name : join(dir, name), 'utf8')
          } catch {
            return null
          }
        },
        writeFile: (name, contents) => {
          outputs.set(name, contents)
        },
        listFiles: () => [],
        stdout: asc.createMemoryStream(),
        stderr,
      },
    )
    return { error, outputs, stderr: stderr.toString() }
  }
  // `abort` goes to the SDK (a revert with the message); a contract that does not
  // use the SDK compiles again with `abort` as a plain trap.
  let attempt = await compile(`${sdk}/meshAbort`)
  if (attempt.error && /Element '[^']*meshAbort' not found/.test(attempt.stderr)) attempt = await compile('')
  const { error, outputs } = attempt
  const diagnostics = parseDiagnostics(attempt.stderr, baseDir)
  const wasm = outputs.get('contract.wasm')
  if (error || !(wasm instanceof Uint8Array)) {
    throw new AssemblyScriptCompileError(file, diagnostics, error?.message)
  }
  return {
    bytecode: bytesToHex(toEnvelopeModule(wasm)),
    wasm,
    abi,
    warnings: diagnostics.filter((d) => d.severity === 'warning'),
    ms: performance.now() - started,
  }
}
