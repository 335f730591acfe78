import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

/**
 * The RPC URL of a spawned SPN node (`dist/bin.js`), read from its JSON `ready` log line; rejects when the
 * process exits first. The benches' one copy of the wait.
 *
 * @example
 * ```ts
 * const url = await readyUrl(spawn(process.execPath, [bin, '--config', cfg], { stdio: ['ignore', 'pipe', 'inherit'] }))
 * ```
 */
export function readyUrl(proc: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`spn exited ${c}`)))
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        const m = JSON.parse(l)
        if (m.event === 'ready') resolve(m.rpcUrl)
      } catch {}
    })
  })
}
