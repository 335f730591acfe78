import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

/**
 * Pins every thread of `pid` to `cores` (`taskset -a -p -c`; Linux, util-linux). Threads the process starts
 * later inherit the set from the thread that starts them.
 *
 *   pinToCores(node.pid, [0])
 */
export function pinToCores(pid: number, cores: readonly number[]): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores.join(','), String(pid)], { stdio: 'ignore' })
}

/**
 * rpc-abuse's isolated layout (`MESH_SOAK_ABUSE_PIN=1`): the node under test and the valid sender share
 * core 0, the flood generator (`runner`) gets the other cores, as an attacker on a machine of its own would.
 * Both phases run in it, so the kept ratio is what the node's handling of the flood costs the valid traffic,
 * not what the attacker's own CPU takes from it. Undefined (nothing pinned) on a single core.
 */
export function isolateAttacker(p: { node: number; sender: number; runner: number }): string | undefined {
  const n = availableParallelism()
  if (n < 2) return undefined
  const rest = Array.from({ length: n - 1 }, (_, i) => i + 1)
  pinToCores(p.node, [0])
  pinToCores(p.sender, [0])
  pinToCores(p.runner, rest)
  return `node and sender on core 0, flood generator on ${rest.length === 1 ? 'core 1' : `cores 1–${n - 1}`}`
}
