import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * Runs the `@example` blocks of dual-vm's main entry points, so that the JSDoc never rots. Examples are
 * plain JavaScript inside a ```ts fence (no type syntax); their `import` lines are served here, and they
 * check themselves with `node:assert`.
 */

const SRC = new URL('../../src/', import.meta.url)
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

/** Entry point → the file whose JSDoc holds its example. */
const ENTRY_POINTS: Record<string, string> = {
  createSerialExecutor: 'executor/serial.ts',
  createParallelExecutor: 'parallel/createParallelExecutor.ts',
  createMemoryState: 'state/memory.ts',
  compileSolidity: 'compile/solidity.ts',
  compileAssemblyScript: 'compile/assemblyscript.ts',
  simulateCall: 'executor/call.ts',
  parseTraceOptions: 'trace/options.ts',
  traceBlock: 'trace/traceBlock.ts',
  traceCall: 'trace/traceCall.ts',
  createAccessList: 'trace/accessList.ts',
  createTracingVM: 'trace/tracingVM.ts',
}

const MODULES: Record<string, () => Promise<unknown>> = {
  '@rollup-mesh/dual-vm': () => import('../../src/index.js'),
  viem: () => import('viem'),
  'node:assert': () => import('node:assert'),
}

/** The example in the JSDoc right above `export … function name(`. */
function exampleOf(name: string, file: string): string {
  const text = readFileSync(new URL(file, SRC), 'utf8')
  const at = text.search(new RegExp(`export (async )?function ${name}\\(`))
  expect(at, `${file} exports ${name}`).toBeGreaterThan(0)
  const comment = text.slice(text.lastIndexOf('/**', at), at)
  const fence = /@example\n \* ```ts\n([\s\S]*?) \* ```/.exec(comment)
  expect(fence, `${name} has an @example`).not.toBeNull()
  return fence![1]!
    .split('\n')
    .map((line) => line.replace(/^ \* ?/, ''))
    .join('\n')
}

/** Turns the example's import lines into awaited look-ups in `MODULES`. */
function runnable(code: string): string {
  return code.replace(/^import (.+) from '([^']+)'$/gm, (_, what: string, from: string) => {
    if (!(from in MODULES))
      throw new TypeError(`the example imports ${from}, which examples.test.ts does not serve`)
    const load = `await __import(${JSON.stringify(from)})`
    return what.startsWith('{') ? `const ${what} = ${load}` : `const ${what} = (${load}).default`
  })
}

const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (load: (from: string) => Promise<unknown>) => Promise<void>

let cwd: string
beforeAll(() => {
  cwd = process.cwd()
  process.chdir(REPO_ROOT) // examples name files relative to the repository root
})
afterAll(() => process.chdir(cwd))

describe('JSDoc @example blocks run', () => {
  for (const [name, file] of Object.entries(ENTRY_POINTS)) {
    it(name, async () => {
      const run = new AsyncFunction('__import', runnable(exampleOf(name, file)))
      await run((from) => MODULES[from]!())
    }, 120_000)
  }
})
