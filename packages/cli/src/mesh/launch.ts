import { mkdirSync } from 'node:fs'
import { devAccounts } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import type { Out } from '../output.js'
import type { PlannedNode } from './plan.js'
import { rpcRequest } from './rpc.js'
import { type Ready, type SpawnedNode, spawnNode } from './spawn.js'
import type { NetworkState } from './state.js'

type NodeInfo = { vms?: string[]; contracts?: Record<string, string> }

/** Waits until the node answers RPC; returns what it reports in mesh_nodeInfo (VMs, system contracts). */
export async function waitHealthy(name: string, rpcUrl: string, timeoutMs = 20_000): Promise<NodeInfo> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await rpcRequest({ network: name, rpcUrl }, 'eth_blockNumber', [], 2_000)
      const info = await rpcRequest<NodeInfo>({ network: name, rpcUrl }, 'mesh_nodeInfo', [], 2_000).catch(
        () => undefined,
      )
      return info ?? {}
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** A main-net config's validator address: its `validatorKey`, else the node's default (dev account 0). */
export function validatorAddressOf(config: Record<string, unknown>): string {
  const key = typeof config.validatorKey === 'string' ? config.validatorKey : devAccounts(1)[0]!.privateKey
  return privateKeyToAddress(key as Hex).toLowerCase()
}

/**
 * Spawns one planned node (`mesh node start`), waits until it answers RPC, reports it, and returns its
 * ready line and its `mesh.json` entry. The spawned process is pushed to `spawned` at once, so a caller
 * that fails later can stop it.
 */
export async function launchNode(
  p: PlannedNode,
  ctx: { detached: boolean; started: number; out: Out; spawned: SpawnedNode[] },
): Promise<{ ready: Ready; network: NetworkState; spawned: SpawnedNode }> {
  mkdirSync(p.nodeDir, { recursive: true })
  const s = spawnNode({ name: p.name, configFile: p.configFile, logFile: p.logFile, detached: ctx.detached })
  ctx.spawned.push(s)
  const ready = await s.ready
  const info = await waitHealthy(p.name, ready.rpcUrl)
  ctx.out.progress(
    `  ✓ ${p.name.padEnd(8)} ready after ${((performance.now() - ctx.started) / 1000).toFixed(1)} s  ${ready.rpcUrl}`,
  )
  const network: NetworkState = {
    name: p.name,
    kind: p.kind,
    chainId: Number(p.file.config.chainId),
    vms: Array.isArray(info.vms) ? info.vms : p.file.vms,
    ...(info.contracts && typeof info.contracts === 'object' ? { contracts: info.contracts } : {}),
    ...(p.file.role ? { role: p.file.role } : {}),
    ...(p.kind === 'mainnet' ? { validator: validatorAddressOf(p.file.config) } : {}),
    rpcUrl: ready.rpcUrl,
    wsUrl: ready.wsUrl,
    pid: s.pid,
    dataDir: p.nodeDir,
    configFile: p.configFile,
    logFile: p.logFile,
  }
  return { ready, network, spawned: s }
}
