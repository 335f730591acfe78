import type { Hex } from 'viem'
import { readSettlements } from '../../packages/cli/src/mesh/settle.js'
import { type ClientNetwork, type SentTx, startSender } from './crashClients.js'
import type { LabMesh, LabMeshNode } from './labMesh.js'
import { sleep, until } from './processes.js'
import { call } from './rpcClient.js'

/** The SPNs of a lab mesh as client networks (SPN id n for spn<n>, as `mesh up` registers them). */
export function spnNetworks(mesh: LabMesh): ClientNetwork[] {
  return mesh.nodes
    .filter((n) => n.kind === 'spn')
    .map((n) => ({ name: n.name, chainId: n.chainId, spnId: BigInt(n.name.slice(3)), url: () => n.url }))
}

/** Cross-network messages both ways between the first two SPNs (one a second each way), into `sent`. */
export function startMessages(
  nets: readonly ClientNetwork[],
  key: Hex,
  sent: SentTx[],
  isRunning: () => boolean,
): Promise<void>[] {
  if (nets.length < 2) return []
  return nets.slice(0, 2).map((net, i) =>
    startSender({
      net,
      key,
      kind: 'message',
      recipients: [`0x${(0xcafe00 + i).toString(16).padStart(40, '0')}` as Hex],
      dstSpn: (nets[1 - i] as ClientNetwork).spnId,
      sent,
      isRunning,
      intervalMs: 1_000,
    }),
  )
}

/**
 * The SPN cut: `spn` alone on one side, every other node (the main net's validators, the other SPNs) on the
 * other, for `phaseMs`. The SPN's own chain must keep sealing (it does not wait for the main net), and once
 * healed its settlements must reach the main net again: the main net's settlement tip for it covers the
 * block the SPN was at when healed, within `resumeBoundMs`.
 */
export async function cutSPN(
  mesh: LabMesh,
  spn: LabMeshNode,
  o: { phaseMs: number; resumeBoundMs: number; log: (line: string) => void },
  figures: Record<string, number | string>,
  failures: string[],
): Promise<void> {
  const main = mesh.nodes[0] as LabMeshNode
  const spnId = BigInt(spn.name.slice(3))
  const tip = async () =>
    (await readSettlements({ mainnetRpcUrl: main.url, spnIds: [spnId] })).get(spnId)?.toBlock ?? 0
  const before = Number(await call(spn.url, 'eth_blockNumber'))
  const tipAtCut = await tip()
  mesh.lab.partition([mesh.nodes.filter((n) => n !== spn).map((n) => n.index), [spn.index]])
  o.log(`partition: ${spn.name} cut from the main net at its block ${before} (settled to ${tipAtCut})`)
  await sleep(o.phaseMs)
  const atHeal = Number(await call(spn.url, 'eth_blockNumber'))
  const tipAtHeal = await tip()
  figures[`${spn.name} cut: own blocks`] = atHeal - before
  if (atHeal < before + 3)
    failures.push(`${spn.name} sealed only ${atHeal - before} blocks while cut from the main net`)
  mesh.lab.heal()
  const healed = performance.now()
  await until(
    async () => (await tip()) >= atHeal,
    o.resumeBoundMs,
    `${spn.name} settled past block ${atHeal}`,
  ).then(
    () => {
      figures[`${spn.name} cut: settled again after s`] = ((performance.now() - healed) / 1000).toFixed(1)
    },
    (err: Error) => {
      figures[`${spn.name} cut: settled again after s`] = `> ${o.resumeBoundMs / 1000}`
      failures.push(`${spn.name}: settlement did not resume after the cut healed: ${err.message}`)
    },
  )
  figures[`${spn.name} cut: settled during cut`] = tipAtHeal - tipAtCut
  o.log(`partition: ${spn.name} healed; settlement tip ${await tip()}`)
}
