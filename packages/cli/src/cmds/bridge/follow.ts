// Follows a sent message to delivery (sent → settled → delivered), each stage reported as it happens.
import { type Address, formatEther, type Hash } from 'viem'
import { MeshCliError } from '../../errors.js'
import type { RPCTarget } from '../../mesh/rpc.js'
import { failureReason, inboxEntry, poll, type SentMessage, settledAt, settlementIndexOf } from './message.js'
export type Stage =
  | {
      stage: 'sent'
      ms: number
      network: string
      txHash: Hash
      block: bigint
      position: number
      messageIndex: bigint
    }
  | {
      stage: 'settled'
      ms: number
      network: string
      settlementIndex: bigint
      mainnetBlock: bigint
      fromBlock: bigint
      toBlock: bigint
    }
  | {
      stage: 'delivered' | 'failed' | 'error'
      ms: number
      network: string
      txHash: Hash | null
      block: bigint | null
      to: Address
      value: bigint
      reason?: string
    }

const short = (h: string) => `${h.slice(0, 10)}…${h.slice(-4)}`

/** One stage as a human line: `✓ settled    main net block 40 (settlement #7 of spn1)   2.9 s`. */
export function formatStage(s: Stage, srcName: string): string {
  let text: string
  if (s.stage === 'sent') text = `${s.network} tx ${s.txHash} block ${s.block} (exit position ${s.position})`
  else if (s.stage === 'settled')
    text = `main net block ${s.mainnetBlock} (settlement #${s.settlementIndex} of ${srcName}, blocks ${s.fromBlock}-${s.toBlock})`
  else
    text = `${s.network} tx ${s.txHash ? short(s.txHash) : '-'} block ${s.block ?? '-'} → ${short(s.to)} (${formatEther(s.value)} ETH)${s.reason ? `: ${s.reason}` : ''}`
  const mark = s.stage === 'failed' || s.stage === 'error' ? '✗' : '✓'
  return `${mark} ${s.stage.padEnd(10)} ${text.padEnd(72)} ${(s.ms / 1000).toFixed(1)} s`
}

/**
 * Follows a sent message to its end: the source's settlement accepted on the main net (`settled`), then
 * the destination's inbox entry leaving `queued` (`delivered`, or `failed` with the recipient's revert
 * reason). Calls `onStage` as each happens; throws a `MeshCliError` naming the stage when `deadline` passes.
 */
export async function followMessage(params: {
  message: SentMessage
  mainnet: RPCTarget
  src: RPCTarget
  dst: RPCTarget
  startedAt: number
  deadline: number
  onStage: (s: Stage) => void
}): Promise<Stage[]> {
  const { message: m, mainnet, src, dst, startedAt, deadline } = params
  const stages: Stage[] = []
  const emit = (s: Stage) => {
    stages.push(s)
    params.onStage(s)
  }
  const index = settlementIndexOf(m)
  const settled = await poll(() => settledAt(mainnet, m.srcSpn, index), deadline)
  if (!settled)
    throw new MeshCliError(
      `Timed out waiting for settlement #${index} of ${src.network} (it finalizes exit position ${m.position}).`,
      {
        code: 'BRIDGE_TIMEOUT',
        metaMessages: [
          '- Is the main net up and the source SPN settling? Check `mesh status` (last settlement column).',
          '- A mesh resumed after its executor build changed settles nothing (`mesh up` warned): `mesh up --fresh`.',
          '- Wait longer with --timeout <s>.',
        ],
      },
    )
  emit({
    stage: 'settled',
    ms: Date.now() - startedAt,
    network: mainnet.network,
    settlementIndex: index,
    mainnetBlock: settled.blockNumber,
    fromBlock: settled.fromBlock,
    toBlock: settled.toBlock,
  })
  const entry = await poll(async () => {
    const e = await inboxEntry(dst, m.srcSpn, Number(m.position))
    return e && e.status !== 'queued' ? e : undefined
  }, deadline)
  if (!entry)
    throw new MeshCliError(
      `Timed out waiting for ${dst.network} to deliver message ${src.network}:${m.position} (settled in main net block ${settled.blockNumber}).`,
      {
        code: 'BRIDGE_TIMEOUT',
        metaMessages: [
          `- See \`mesh logs ${dst.network}\`; its inbox is at mesh_getInbox.`,
          '- Wait longer with --timeout <s>.',
        ],
      },
    )
  const reason = entry.status === 'delivered' ? undefined : await failureReason(dst, entry)
  emit({
    stage: entry.status as 'delivered' | 'failed' | 'error',
    ms: Date.now() - startedAt,
    network: dst.network,
    txHash: entry.transactionHash,
    block: entry.blockNumber === null ? null : BigInt(entry.blockNumber),
    to: entry.to,
    value: BigInt(entry.value),
    ...(reason !== undefined ? { reason } : {}),
  })
  return stages
}
