import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { UserModeError } from './userModeError.js'
import type { UserWorkloadJob } from './userWorkloadProcess.js'

/**
 * Runs `job` in a fresh client process (`userWorkloadProcess.ts`), its stderr passed through; the run's
 * row. A failed run rejects with the child's last error line (a `UserModeError`'s message and hints).
 *
 * @example
 * ```ts
 * const row = await inFreshClient({ options: { txs: 10_000, batch: 500, inflight: 2 }, target, token: 'erc20', keys, root })
 * row.txPerSec
 * ```
 */
export function inFreshClient(job: UserWorkloadJob): Promise<Record<string, number>> {
  const script = join(job.root, 'packages/spn/bench/userWorkloadProcess.ts')
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'source', script, JSON.stringify(job)],
      { cwd: join(job.root, 'packages/spn'), stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c
    })
    child.stderr.on('data', (c: Buffer) => {
      err += c
      process.stderr.write(c)
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? ''
      if (code === 0 && last.startsWith('{"row"')) {
        resolve((JSON.parse(last) as { row: Record<string, number> }).row)
        return
      }
      const why = err.trim().split('\n').filter(Boolean).slice(-6)
      reject(new UserModeError(`The ${job.target.name} client process exited with ${code}.`, why))
    })
  })
}
