/**
 * CPU accounting for the benchmarks (Linux /proc): the CPU seconds a process and every process below it
 * have used, so a node that proves in a child process is charged for its prover too.
 */
import { readdirSync, readFileSync } from 'node:fs'

type Stat = { pid: number; ppid: number; seconds: number }

/** utime + stime + cutime + cstime (all threads, and children already waited for), in seconds. */
function statOf(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: the fields after it start behind the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    return { pid, ppid: Number(f[1]), seconds: ticks / 100 }
  } catch {
    return undefined
  }
}

/** CPU seconds of `pid` and all its live descendants (a child that exited is in its parent's cutime). */
export function treeCpuSeconds(pid: number): number {
  const stats: Stat[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const s = statOf(Number(name))
    if (s) stats.push(s)
  }
  const children = new Map<number, Stat[]>()
  for (const s of stats) {
    const list = children.get(s.ppid) ?? []
    list.push(s)
    children.set(s.ppid, list)
  }
  const root = stats.find((s) => s.pid === pid)
  if (!root) return 0
  let total = 0
  const stack = [root]
  while (stack.length > 0) {
    const s = stack.pop() as Stat
    total += s.seconds
    stack.push(...(children.get(s.pid) ?? []))
  }
  return total
}

/** CPU seconds of several process trees together (a deployment of several nodes). */
export const cpuSecondsOf = (pids: readonly number[]): number =>
  pids.reduce((a, p) => a + treeCpuSeconds(p), 0)
