import { readdirSync, readFileSync } from 'node:fs'

/** One thread's scheduler totals (Linux `/proc/<pid>/task/<tid>/schedstat`), in nanoseconds. */
export type ThreadTimes = { cpuNs: number; waitNs: number }

/** A process's threads' totals at one moment (keyed by thread id; the main thread's id is the pid). */
export type ProcessTimes = { pid: number; at: number; threads: Map<number, ThreadTimes> }

/**
 * The CPU time and run-queue wait (runnable but not running: a core was busy with something else) of each
 * thread of `pid`, read from `/proc`. Empty when the process is gone or the kernel keeps no schedstat.
 *
 * @example
 * ```ts
 * const a = processTimes(pid)
 * // ... a phase ...
 * const use = cpuUse(a, processTimes(pid)) // { cpu: 0.93, wait: 0.41, mainCpu: 0.61, mainWait: 0.2, ... }
 * ```
 */
export function processTimes(pid: number): ProcessTimes {
  const threads = new Map<number, ThreadTimes>()
  let tids: string[] = []
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    // gone, or not Linux
  }
  for (const tid of tids) {
    try {
      const [cpu, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/)
      threads.set(Number(tid), { cpuNs: Number(cpu), waitNs: Number(wait) })
    } catch {
      // the thread ended meanwhile
    }
  }
  return { pid, at: performance.now(), threads }
}

/**
 * What a process used between two `processTimes` readings, in cores (1 = one core for the whole interval):
 * `cpu` and `wait` (run-queue wait) over all its threads, `mainCpu`/`mainWait` of its main thread (a Node
 * process's event loop), and `busiestOther`: the CPU of its busiest other thread (a worker, a GC helper).
 */
export function cpuUse(
  a: ProcessTimes,
  b: ProcessTimes,
): { cpu: number; wait: number; mainCpu: number; mainWait: number; busiestOther: number } {
  const ns = (b.at - a.at) * 1e6
  let cpu = 0
  let wait = 0
  let busiestOther = 0
  let mainCpu = 0
  let mainWait = 0
  for (const [tid, t] of b.threads) {
    const before = a.threads.get(tid) ?? { cpuNs: 0, waitNs: 0 }
    const dc = t.cpuNs - before.cpuNs
    const dw = t.waitNs - before.waitNs
    cpu += dc
    wait += dw
    if (tid === b.pid) {
      mainCpu = dc
      mainWait = dw
    } else busiestOther = Math.max(busiestOther, dc)
  }
  const share = (x: number) => (ns > 0 ? x / ns : 0)
  return {
    cpu: share(cpu),
    wait: share(wait),
    mainCpu: share(mainCpu),
    mainWait: share(mainWait),
    busiestOther: share(busiestOther),
  }
}
