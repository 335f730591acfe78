import { BaseError } from '@rollup-mesh/core'
import { CommanderError, createProgram } from './program.js'

/** Runs `mesh` with `argv` (process.argv shape); returns the exit code. Never prints a stack trace for user errors. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram()
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    if (err instanceof BaseError) {
      process.stderr.write(`mesh: ${err.message}\n`)
      return 1
    }
    throw err
  }
}
