import { BaseError } from '@rollup-mesh/core'
import { CommanderError, createProgram } from './program.js'

/**
 * Runs `mesh` with `argv` (process.argv shape); returns the exit code.
 * A `BaseError` prints its message; anything else prints a short message
 * (the stack only with `--debug` or `MESH_DEBUG=1`). Never throws.
 *
 * @example
 * import { main } from '@rollup-mesh/cli'
 * // what bin/mesh.js does: `mesh status --json` against the mesh in ./.mesh
 * process.exitCode = await main(['node', 'mesh', 'status', '--json'])
 */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram()
  const debug = argv.includes('--debug') || process.env.MESH_DEBUG === '1'
  // With --json, a failure is also one JSON object on stdout: {"error":{"code","message"}}.
  const json = argv.includes('--json') || ['1', 'true'].includes(process.env.MESH_JSON ?? '')
  const jsonError = (code: string, message: string) => {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`)
  }
  try {
    await program.parseAsync(argv.filter((a) => a !== '--debug'))
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    if (err instanceof BaseError) {
      jsonError(err.code, err.shortMessage)
      process.stderr.write(`mesh: ${err.message}\n`)
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`)
      return 1
    }
    const message = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err)
    jsonError('UNEXPECTED', message)
    process.stderr.write(`mesh: unexpected error: ${message}\n`)
    process.stderr.write(
      debug && err instanceof Error ? `${err.stack}\n` : 'Run again with --debug to see where it happened.\n',
    )
    return 1
  }
}
