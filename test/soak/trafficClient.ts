import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fromSource, root, track } from './processes.js'

/** The parent's view of `trafficProcess.ts`: the same surface as `startValidTraffic`, counted from its lines. */
export async function startTrafficProcess(args: string[]) {
  const proc = spawn(process.execPath, [...fromSource, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  track(proc)
  let count = 0
  let final:
    | { acked: Record<string, number>; startNonce: Record<string, number>; errors: string[] }
    | undefined
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((r) => {
    resolveDone = r
  })
  createInterface({ input: proc.stdout }).on('line', (line) => {
    try {
      const m = JSON.parse(line) as { acked: number | Record<string, number>; done?: boolean }
      if (m.done) {
        final = m as typeof final
        resolveDone()
      } else count = m.acked as number
    } catch {
      // not ours
    }
  })
  proc.once('exit', () => resolveDone())
  const state = {
    acked: new Map<string, number>(),
    startNonce: new Map<string, number>(),
    errors: [] as string[],
    measure() {
      const start = performance.now()
      const from = count
      return () => {
        const seconds = (performance.now() - start) / 1000
        const n = count - from
        return { acked: n, seconds, perSecond: n / seconds }
      }
    },
    async stop() {
      proc.kill('SIGTERM')
      await done
      for (const [k, v] of Object.entries(final?.acked ?? {})) state.acked.set(k, v)
      for (const [k, v] of Object.entries(final?.startNonce ?? {})) state.startNonce.set(k, v)
      state.errors.push(...(final?.errors ?? []))
    },
  }
  return state
}
