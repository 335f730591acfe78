import { execFileSync } from 'node:child_process'
import { sh } from './privileged.js'

/** One node's place in the lab: its namespace and its two addresses. */
export type LabNode = {
  /** The network namespace the node runs in (`ip netns exec <ns> …`). */
  ns: string
  /** Its address on the mesh's data network (p2p, and the main net's RPC for SPNs): cut by a partition. */
  dataIp: string
  /** Its address on its own management link to the root namespace (the test's RPC calls): never cut. */
  mgmtIp: string
}

/**
 * A mesh's network in Linux namespaces. Node i lives in namespace `<prefix>-n<i>` with two links: `eth0`
 * (10.213.0.(i+1)/24) is a veth whose peer is a port of bridge `br0` in the hub namespace `<prefix>-hub`,
 * the data network every node peers over; `mgmt` (10.214.i.2/30) is a veth to the root namespace
 * (10.214.i.1), which is how the test reaches the node's RPC. Nothing routes between the management links
 * (no forwarding in the root namespace, no routes beyond each /30), so only the data network joins nodes.
 * A partition moves the hub ports of each group onto a bridge of its own; `heal` puts them all on `br0`.
 */
export type NetLab = {
  nodes: LabNode[]
  /** Cuts the data network into `groups` (node indexes; every node in exactly one group). */
  partition(groups: readonly (readonly number[])[]): void
  /** One data network again. */
  heal(): void
  /** The command prefix that runs a program in node `i`'s namespace. */
  exec(i: number): string[]
  /** Deletes every namespace (and so every veth and bridge) the lab made; safe to call twice. */
  destroy(): void
}

/**
 * Why namespaces cannot be used here (not root, no `ip`, no permission to make one), or undefined when
 * they can: tried by making and deleting a namespace.
 */
export function netnsUnavailable(prefix: string): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root/netns (ip netns add): not running as root'
  const probe = `${prefix}-probe`
  try {
    sh('ip', ['netns', 'add', probe])
    sh('ip', ['netns', 'del', probe])
    return undefined
  } catch (err) {
    return `needs root/netns: ${(err as Error).message.slice(0, 200)}`
  }
}

const labs = new Set<NetLab>()
let exitHooked = false

/** Builds the lab for `count` nodes (see `NetLab`); on any failure it removes what it made and throws. */
export function createNetLab(prefix: string, count: number): NetLab {
  const hub = `${prefix}-hub`
  const made: string[] = []
  const nodes: LabNode[] = []
  const portOf = (i: number) => `${prefix}p${i}`
  let destroyed = false
  const lab: NetLab = {
    nodes,
    partition(groups) {
      const seen = groups.flat()
      if (seen.length !== count || new Set(seen).size !== count)
        throw new Error(
          `partition ${JSON.stringify(groups)}: every node 0..${count - 1} in exactly one group`,
        )
      for (const [g, members] of groups.entries())
        for (const i of members) sh('ip', ['-n', hub, 'link', 'set', portOf(i), 'master', `br${g}`])
    },
    heal() {
      for (let i = 0; i < count; i++) sh('ip', ['-n', hub, 'link', 'set', portOf(i), 'master', 'br0'])
    },
    exec: (i) => ['ip', 'netns', 'exec', (nodes[i] as LabNode).ns],
    destroy() {
      if (destroyed) return
      destroyed = true
      labs.delete(lab)
      for (const ns of made.reverse())
        try {
          execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
        } catch {
          // already gone
        }
      // a veth left in the root namespace by a build that failed half-way
      for (let i = 0; i < count; i++)
        for (const dev of [`${prefix}d${i}`, `${prefix}m${i}`, portOf(i)])
          try {
            execFileSync('ip', ['link', 'del', dev], { stdio: 'ignore' })
          } catch {
            // not there
          }
    },
  }
  labs.add(lab)
  if (!exitHooked) {
    exitHooked = true
    process.on('exit', () => {
      for (const l of labs) l.destroy()
    })
  }
  try {
    sh('ip', ['netns', 'add', hub])
    made.push(hub)
    sh('ip', ['-n', hub, 'link', 'set', 'lo', 'up'])
    // one bridge per possible group: a partition never needs more groups than nodes
    for (let g = 0; g < count; g++) {
      sh('ip', ['-n', hub, 'link', 'add', `br${g}`, 'type', 'bridge'])
      sh('ip', ['-n', hub, 'link', 'set', `br${g}`, 'up'])
    }
    for (let i = 0; i < count; i++) {
      const ns = `${prefix}-n${i}`
      sh('ip', ['netns', 'add', ns])
      made.push(ns)
      const node: LabNode = { ns, dataIp: `10.213.0.${i + 1}`, mgmtIp: `10.214.${i}.2` }
      // data: node eth0 <-> hub port on br0
      sh('ip', ['link', 'add', `${prefix}d${i}`, 'type', 'veth', 'peer', 'name', portOf(i)])
      sh('ip', ['link', 'set', `${prefix}d${i}`, 'netns', ns])
      sh('ip', ['link', 'set', portOf(i), 'netns', hub])
      sh('ip', ['-n', ns, 'link', 'set', `${prefix}d${i}`, 'name', 'eth0'])
      sh('ip', ['-n', hub, 'link', 'set', portOf(i), 'master', 'br0'])
      sh('ip', ['-n', hub, 'link', 'set', portOf(i), 'up'])
      // management: node mgmt <-> root `${prefix}m<i>`
      sh('ip', ['link', 'add', `${prefix}m${i}`, 'type', 'veth', 'peer', 'name', `${prefix}x${i}`])
      sh('ip', ['link', 'set', `${prefix}x${i}`, 'netns', ns])
      sh('ip', ['-n', ns, 'link', 'set', `${prefix}x${i}`, 'name', 'mgmt'])
      sh('ip', ['addr', 'add', `10.214.${i}.1/30`, 'dev', `${prefix}m${i}`])
      sh('ip', ['link', 'set', `${prefix}m${i}`, 'up'])
      sh('ip', ['-n', ns, 'addr', 'add', `${node.dataIp}/24`, 'dev', 'eth0'])
      sh('ip', ['-n', ns, 'addr', 'add', `${node.mgmtIp}/30`, 'dev', 'mgmt'])
      for (const dev of ['lo', 'eth0', 'mgmt']) sh('ip', ['-n', ns, 'link', 'set', dev, 'up'])
      nodes.push(node)
    }
    return lab
  } catch (err) {
    lab.destroy()
    throw err
  }
}
