import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SPNRegistration } from '../../packages/cli/src/mesh/kinds.js'
import { registerSPNs } from '../../packages/cli/src/mesh/settle.js'
import { createNetLab, type NetLab } from './netLab.js'
import { killAndWait, meshArgs, runMesh, type Started, startReady } from './processes.js'

/** One node of a mesh in the lab: its network, lab index, config, log and RPC URL (on its management link). */
export type LabMeshNode = {
  name: string
  kind: 'mainnet' | 'spn'
  index: number
  chainId: number
  configFile: string
  logFile: string
  /** http://<management address>:<port>: the test's calls; never cut by a partition. */
  url: string
  /** http://<data address>:<port>: what other nodes call (SPNs settle on validator 0's). */
  dataUrl: string
  process?: Started
}

export type LabMesh = { lab: NetLab; nodes: LabMeshNode[]; stop(): Promise<void> }

// `mesh up --export-configs --hosts` picks free ports on the addresses it is given, so it is given loopback
// addresses (127.0.0.11 …) that exist here, and each is then swapped for the node's data address in its file.
const loopbackOf = (i: number) => `127.0.0.${11 + i}`

/**
 * A mesh of `validators` main-net validators and `spns` SPNs, each node in its own namespace of a new lab
 * (`createNetLab`): `mesh up --export-configs` writes the configs (fixed ports, peer ids, bootstrap
 * multiaddrs, each SPN's settlement section naming validator 0's RPC), each address becomes the node's data
 * address, each RPC binds 0.0.0.0 (so the management link reaches it too), and every node runs
 * `mesh node start --config` inside its namespace. SPNs start once the validators answer. On failure
 * everything started is stopped and the lab removed.
 */
export async function startLabMesh(o: {
  dir: string
  prefix: string
  validators: number
  spns: number
  blockTimeMs: number
  settleIntervalMs: number
  log: (line: string) => void
}): Promise<LabMesh> {
  const count = o.validators + o.spns
  const lab = createNetLab(o.prefix, count)
  const nodes: LabMeshNode[] = []
  const stop = async () => {
    for (const n of nodes) if (n.process) await killAndWait(n.process)
    lab.destroy()
  }
  try {
    const names = [
      ...Array.from({ length: o.validators }, (_, v) => (v === 0 ? 'mainnet' : `mainnet-v${v}`)),
      ...Array.from({ length: o.spns }, (_, s) => `spn${s + 1}`),
    ]
    const exported = await runMesh([
      'up',
      '--export-configs',
      o.dir,
      '--validators',
      String(o.validators),
      '--spns',
      String(Math.max(1, o.spns)), // at least 1: an SPN not wanted is never started
      '--hosts',
      Array.from({ length: o.validators + Math.max(1, o.spns) }, (_, i) => loopbackOf(i)).join(','),
      '--block-time',
      String(o.blockTimeMs),
      '--settle-interval',
      String(o.settleIntervalMs),
      '--log-level',
      'warn',
      '--json',
    ])
    if (exported.code !== 0)
      throw new Error(`mesh up --export-configs failed: ${exported.stderr.slice(-1500)}`)
    for (const [i, name] of names.entries()) {
      const configFile = join(o.dir, `${name}.json`)
      let text = readFileSync(configFile, 'utf8')
      for (let j = 0; j < count; j++)
        text = text.replace(
          new RegExp(`127\\.0\\.0\\.${11 + j}(?=[/:"])`, 'g'),
          (lab.nodes[j] as { dataIp: string }).dataIp,
        )
      const file = JSON.parse(text) as {
        kind: 'mainnet' | 'spn'
        config: { chainId: number; rpc: { host: string; port: number } }
      }
      const port = file.config.rpc.port
      file.config.rpc.host = '0.0.0.0'
      writeFileSync(configFile, JSON.stringify(file, null, 2))
      const at = lab.nodes[i] as { dataIp: string; mgmtIp: string }
      nodes.push({
        name,
        kind: file.kind,
        index: i,
        chainId: file.config.chainId,
        configFile,
        logFile: join(o.dir, `${name}.log`),
        url: `http://${at.mgmtIp}:${port}`,
        dataUrl: `http://${at.dataIp}:${port}`,
      })
    }
    const start = async (n: LabMeshNode) => {
      n.process = await startReady(
        [...meshArgs, 'node', 'start', '--config', n.configFile, '--json'],
        n.logFile,
        180_000,
        true,
        lab.exec(n.index),
      )
    }
    await Promise.all(nodes.filter((n) => n.kind === 'mainnet').map(start))
    o.log(`partition: ${o.validators} validators up in namespaces ${o.prefix}-n0…`)
    const spns = nodes.filter((n) => n.kind === 'spn')
    await Promise.all(spns.map(start))
    // what `mesh up` does next: governance registers each SPN on the main net (validator 0's RPC)
    const main = nodes[0] as LabMeshNode
    if (spns.length)
      await registerSPNs({
        mainnetRpcUrl: main.url,
        mainnetChainId: main.chainId,
        spns: spns.map((n) => ({
          network: n.name,
          chainId: n.chainId,
          registration: n.process?.ready.settlement as SPNRegistration,
        })),
      })
    return { lab, nodes, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
