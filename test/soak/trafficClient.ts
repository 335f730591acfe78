import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fromSource, root, track } from './processes.js'
import { quantile } from './quantile.js'

/** The parent's view of `trafficProcess.ts`: the same surface as `startValidTraffic`, counted from its lines. */
export async function startTrafficProcess(args: string[]) {
  const proc = spawn(process.execPath, [...fromSource, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  track(proc)
  let count = 0
  const signMs: number[] = []
  const sendMs: number[] = []
  let final:
    | { acked: Record<string, number>; startNonce: Record<string, number>; errors: string[] }
    | undefined
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((r) => {
    resolveDone = r
  })
  createInterface({ input: proc.stdout }).on('line', (line) => {
    try {
      const m = JSON.parse(line) as {
        acked: number | Record<string, number>
        done?: boolean
        sign?: number[]
        send?: number[]
      }
      if (m.done) {
        final = m as typeof final
        resolveDone()
      } else {
        count = m.acked as number
        signMs.push(...(m.sign ?? []))
        sendMs.push(...(m.send ?? []))
      }
    } catch {
      // not ours
    }
  })
  proc.once('exit', () => resolveDone())
  const state = {
    acked: new Map<string, number>(),
    startNonce: new Map<string, number>(),
    errors: [] as string[],
    /** The traffic process's pid (its CPU: `processTimes`). */
    pid: proc.pid as number,
    /**
     * Starts counting; the returned function stops and gives tx/s and the window's times (ms, p50/p99): a
     * transfer's signing (the sender's own CPU) and its `eth_sendRawTransaction` round trip.
     */
    measure() {
      const start = performance.now()
      const from = count
      const [signFrom, sendFrom] = [signMs.length, sendMs.length]
      return () => {
        const seconds = (performance.now() - start) / 1000
        const n = count - from
        return {
          acked: n,
          seconds,
          perSecond: n / seconds,
          sign: percentiles(signMs.slice(signFrom)),
          send: percentiles(sendMs.slice(sendFrom)),
        }
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

/** p50, p99 and mean of `xs` (0 when empty). */
export function percentiles(xs: number[]): { p50: number; p99: number; mean: number } {
  if (xs.length === 0) return { p50: 0, p99: 0, mean: 0 }
  return { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), mean: xs.reduce((a, b) => a + b, 0) / xs.length }
}
