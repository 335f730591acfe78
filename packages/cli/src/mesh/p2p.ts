import { createServer } from 'node:net'
import { loadOrCreatePeerId } from '@rollup-mesh/p2p'
import type { PlannedNode } from './plan.js'

/** A TCP port free on `host` right now (the OS picks it; it is released before returning). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

type P2PSection = { enabled?: boolean; listen?: string[]; bootstrap?: string[]; announce?: string[] }

/**
 * Wires the mesh's libp2p network before any node starts: each node keeps (or gets) a fixed listen port
 * on its host and its persistent peer id (the key in its data dir); every SPN bootstraps to the main net
 * and to every other SPN (SPNs fetch each other's exit batches directly), and the main net's validators
 * bootstrap to each other. Fixed ports and ids make the multiaddrs known up front, so the configs also
 * work for `mesh node start` on other hosts.
 */
export async function wireP2P(plan: PlannedNode[], hosts: Map<string, string> = new Map()): Promise<void> {
  const addrs = new Map<string, string>()
  for (const p of plan) {
    const host = hosts.get(p.name) ?? '127.0.0.1'
    const section = (p.file.config.p2p ?? {}) as P2PSection
    const current = section.listen?.[0]
    const match = current ? /^\/ip4\/([^/]+)\/tcp\/(\d+)$/.exec(current) : null
    const port = match && match[1] === host && Number(match[2]) > 0 ? Number(match[2]) : await freePort(host)
    const listen = `/ip4/${host}/tcp/${port}`
    const peerId = await loadOrCreatePeerId(p.nodeDir)
    addrs.set(p.name, `${listen}/p2p/${peerId}`)
    p.file.config.p2p = { ...section, ...(p.kind === 'spn' ? { enabled: true } : {}), listen: [listen] }
  }
  for (const p of plan) {
    const section = p.file.config.p2p as P2PSection
    // main-net validators bootstrap to each other (none for a single one); SPNs to every other node
    section.bootstrap = plan
      .filter((o) => o.name !== p.name && (p.kind === 'spn' || o.kind === 'mainnet'))
      .map((o) => addrs.get(o.name) as string)
  }
}
