import { rpcRequest } from '../../mesh/rpc.js'
import { isAlive, requireState, resolveDataDir } from '../../mesh/state.js'
import { createOut, formatAge, table } from '../../output.js'
import { consensusLines, consensusStatusOf } from './consensus.js'
import type { StatusOptions } from './options.js'

export type NetworkStatus = {
  network: string
  kind: string
  chainId: number
  pid: number
  up: boolean
  rpcUrl: string
  height?: number
  lastBlockAgeMs?: number
  peers?: number
  pending?: number
  queued?: number
  /** An SPN that settles (mesh_nodeInfo.settlement): its operator on the main net. */
  operator?: string
  /** Settlements of this SPN the main net accepted (Settlement.tipOf), and the last block they cover. */
  settlementsAccepted?: number
  settledBlock?: number
  /** Human form of the last accepted settlement. */
  lastSettlement?: string
  messagesPending?: number
  messagesDelivered?: number
  error?: string
}

type NodeInfo = {
  peers?: unknown[] | number
  mempool?: { pending?: number; queued?: number }
  settlement?: { lastAccepted?: string | number; operator?: string }
  messages?: { pending?: number; delivered?: number }
}

async function probe(n: { name: string; rpcUrl: string }): Promise<Partial<NetworkStatus>> {
  const target = { network: n.name, rpcUrl: n.rpcUrl }
  const [block, info] = await Promise.all([
    rpcRequest<{ number: string; timestamp: string }>(
      target,
      'eth_getBlockByNumber',
      ['latest', false],
      2_000,
    ),
    rpcRequest<NodeInfo>(target, 'mesh_nodeInfo', [], 2_000).catch(() => undefined),
  ])
  return {
    height: Number(block.number),
    lastBlockAgeMs: Date.now() - Number(block.timestamp) * 1000,
    ...(info?.peers !== undefined
      ? { peers: Array.isArray(info.peers) ? info.peers.length : Number(info.peers) }
      : {}),
    ...(info?.mempool ? { pending: info.mempool.pending ?? 0, queued: info.mempool.queued ?? 0 } : {}),
    ...(typeof info?.settlement?.operator === 'string' ? { operator: info.settlement.operator } : {}),
    ...(info?.settlement?.lastAccepted !== undefined
      ? { lastSettlement: String(info.settlement.lastAccepted) }
      : {}),
    ...(info?.messages
      ? { messagesPending: info.messages.pending ?? 0, messagesDelivered: info.messages.delivered ?? 0 }
      : {}),
  }
}

/** For each settling SPN, its accepted settlements from the main net's Settlement contract (if it answers). */
async function addSettlements(
  networks: { name: string; kind: string; rpcUrl: string }[],
  rows: NetworkStatus[],
) {
  const main = networks.find((n) => n.kind === 'mainnet')
  const mainRow = rows.find((r) => r.kind === 'mainnet')
  if (!main || !mainRow?.up) return
  const settling = rows.flatMap((r) => {
    const digits = /(\d+)$/.exec(r.network)?.[1]
    return r.kind === 'spn' && r.up && r.operator && digits ? [{ row: r, id: BigInt(digits) }] : []
  })
  if (settling.length === 0) return
  try {
    // loaded on demand: the main net's client pulls in the chain and p2p packages
    const { readSettlements } = await import('../../mesh/settle.js')
    const tips = await readSettlements({ mainnetRpcUrl: main.rpcUrl, spnIds: settling.map((s) => s.id) })
    for (const { row, id } of settling) {
      const tip = tips.get(id)
      if (!tip) continue
      row.settlementsAccepted = tip.count
      row.settledBlock = tip.toBlock
      row.lastSettlement = tip.count > 0 ? `#${tip.count}, to block ${tip.toBlock}` : 'none yet'
    }
  } catch {
    // the main net did not answer: no settlement column
  }
}

/** Asks each node of the mesh for its head, peers and pool; a node that does not answer is shown as down. */
export async function statusHandler(options: StatusOptions): Promise<number> {
  const out = createOut(options.json)
  const dataDir = resolveDataDir(options.dataDir)
  const state = requireState(dataDir)
  const rows: NetworkStatus[] = await Promise.all(
    state.networks.map(async (n) => {
      const base = { network: n.name, kind: n.kind, chainId: n.chainId, pid: n.pid, rpcUrl: n.rpcUrl }
      if (!isAlive(n.pid)) return { ...base, up: false, error: 'not running' }
      try {
        return { ...base, up: true, ...(await probe(n)) }
      } catch (err) {
        return { ...base, up: false, error: (err as Error).message.split('\n')[0] ?? 'no answer' }
      }
    }),
  )
  await addSettlements(state.networks, rows)
  const validators = await Promise.all(
    state.networks
      .filter((n) => n.kind === 'mainnet' && rows.find((r) => r.network === n.name)?.up)
      .map((n) => consensusStatusOf(n)),
  )
  const settlement = rows.some((r) => r.lastSettlement !== undefined || r.messagesPending !== undefined)
  const headers = ['network', 'chain id', 'state', 'height', 'last block', 'peers', 'txs in pool', 'rpc']
  if (settlement) headers.splice(7, 0, 'last settlement', 'msgs pending/delivered')
  const dash = (v: number | string | undefined) => (v === undefined ? '-' : String(v))
  out.line(
    table(
      headers,
      rows.map((r) => {
        const cells = [
          r.network,
          String(r.chainId),
          r.up ? 'up' : `down (${r.error})`,
          dash(r.height),
          r.lastBlockAgeMs !== undefined ? `${formatAge(r.lastBlockAgeMs)} ago` : '-',
          dash(r.peers),
          r.pending !== undefined ? `${r.pending}${r.queued ? ` (+${r.queued} queued)` : ''}` : '-',
          r.rpcUrl,
        ]
        if (settlement)
          cells.splice(
            7,
            0,
            dash(r.lastSettlement),
            r.messagesPending !== undefined ? `${r.messagesPending}/${r.messagesDelivered}` : '-',
          )
        return cells
      }),
    ),
  )
  for (const line of consensusLines(validators)) out.line(line)
  out.result({ dataDir, networks: rows, validators })
  return rows.every((r) => r.up) ? 0 : 1
}
