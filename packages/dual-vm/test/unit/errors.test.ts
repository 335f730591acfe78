import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BaseError } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { StateInvariantError } from '../../src/evm/errors.js'
import {
  AssemblyScriptCompileError,
  createMemoryState,
  createWasmEngine,
  JournaledState,
  JournalMisuseError,
  ParallelMismatchError,
  SolidityCompileError,
  StaticCallViolationError,
  UnsupportedStateOperationError,
  WasmValidationError,
  WorkerStartError,
} from '../../src/index.js'
import { SpeculativeRunner } from '../../src/parallel/speculative.js'
import { ltHashOfChanges } from '../../src/state/commitment.js'

const SRC = fileURLToPath(new URL('../../src', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Throws `fn`'s error, asserting it is a `BaseError` with `code`. */
async function expectCode(fn: () => unknown, code: string): Promise<void> {
  let thrown: unknown
  try {
    await fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown, `expected a throw with code ${code}`).toBeInstanceOf(BaseError)
  expect((thrown as BaseError).code).toBe(code)
}

describe('dual-vm errors', () => {
  it('src throws no bare Error, TypeError or RangeError', () => {
    const offenders = sourceFiles(SRC).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /throw new (Error|TypeError|RangeError)\(/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
        ),
    )
    expect(offenders).toEqual([])
  })

  it('every error class carries a stable code', () => {
    const cases: [BaseError, string][] = [
      [new WasmValidationError('x'), 'WASM_VALIDATION'],
      [new StateInvariantError('x'), 'STATE_INVARIANT'],
      [new StaticCallViolationError(), 'STATIC_CALL_VIOLATION'],
      [new JournalMisuseError('commit'), 'JOURNAL_MISUSE'],
      [new UnsupportedStateOperationError('x'), 'STATE_OPERATION_UNSUPPORTED'],
      [new SolidityCompileError([]), 'SOLIDITY_COMPILE_FAILED'],
      [new AssemblyScriptCompileError('x.ts', []), 'ASSEMBLYSCRIPT_COMPILE'],
      [
        new ParallelMismatchError(1n, {
          txIndex: undefined,
          txHash: undefined,
          field: 'stateRoot',
          expected: '0x1',
          actual: '0x2',
        }),
        'PARALLEL_MISMATCH',
      ],
      [new WorkerStartError('x'), 'WORKER_START_FAILED'],
    ]
    for (const [error, code] of cases) {
      expect(error).toBeInstanceOf(BaseError)
      expect(error.code, error.name).toBe(code)
    }
  })

  it('bad input and misuse throw coded errors', async () => {
    await expectCode(() => createWasmEngine().prepareDeployment(new Uint8Array([1, 2, 3])), 'WASM_VALIDATION')
    await expectCode(() => new JournaledState(createMemoryState()).commit(), 'JOURNAL_MISUSE')
    await expectCode(
      () => ltHashOfChanges({ add: new Uint8Array([7]), remove: new Uint8Array(0) }),
      'PARAMETER_INVALID',
    )
    const runner = new SpeculativeRunner(createMemoryState())
    await expectCode(
      () =>
        runner.run(0, 0, {
          hash: `0x${'00'.repeat(32)}`,
          from: '0x00000000000000000000000000000000000000aa',
          to: null,
          nonce: 0n,
          value: 0n,
          data: '0x',
          gas: 21_000n,
          maxFeePerGas: 1n,
          maxPriorityFeePerGas: 0n,
          chainId: 1n,
        } as never),
      'STATE_INVARIANT',
    )
  })
})
