import { type ExitMessage, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { settlementAbi } from '@rollup-mesh/mainnet'
import type { InboxEntryJSON } from '@rollup-mesh/spn'
import {
  type Address,
  decodeErrorResult,
  formatEther,
  type Hash,
  type Hex,
  parseAbi,
  parseEventLogs,
} from 'viem'
import { clientsFor } from '../../contracts/client.js'
import { MeshCliError, UnknownNetworkError } from '../../errors.js'
import { type RPCTarget, rpcRequest } from '../../mesh/rpc.js'
import type { MeshState, NetworkState } from '../../mesh/state.js'

/** The SPN Mailbox system contract (in every SPN genesis). */
export const SPN_MAILBOX: Address = '0x0000000000000000000000000000000000002001'

/** The parts of the SPN Mailbox the CLI uses (the full ABI lives in @rollup-mesh/spn, a heavy import). */
export const mailboxAbi = parseAbi([
  'function sendMessage(uint64 dstSpn, address to, bytes data) payable returns (uint64 index)',
  'event MessageSent(uint64 indexed index, uint64 srcSpn, uint64 indexed dstSpn, address indexed sender, address to, uint256 value, bytes data)',
  'event MessageFailed(uint64 indexed srcSpn, uint64 indexed position, address indexed to, address sender, uint256 value, bytes reason)',
])

export const targetOf = (n: NetworkState): RPCTarget => ({
  network: n.name,
  rpcUrl: n.rpcUrl,
  wsUrl: n.wsUrl,
  chainId: n.chainId,
})

/**
 * The SPN named `name` in the mesh and its numeric id (`spn2` → 2, the id its Mailbox and the main net's
 * registry use). The main net, and names that are not SPNs of this mesh, are errors saying what to pass.
 */
export function spnOf(state: MeshState, name: string, flag: string): { net: NetworkState; id: bigint } {
  const spns = state.networks.filter((n) => n.kind === 'spn').map((n) => n.name)
  const net = state.networks.find((n) => n.name === name)
  if (net?.kind === 'mainnet')
    throw new MeshCliError(`${flag} ${name}: messages go between SPNs, not to or from the main net.`, {
      code: 'INVALID_OPTION',
      metaMessages: [`- Expected an SPN of this mesh: ${spns.join(', ')}.`],
    })
  if (!net) throw new UnknownNetworkError(name, spns)
  return { net, id: spnIdOfName(name, flag) }
}

/** `spnN` → N (the SPN's numeric id, as `mesh up` registers it). */
export function spnIdOfName(name: string, flag = 'network'): bigint {
  const m = /^spn([1-9]\d*)$/.exec(name)
  if (!m)
    throw new MeshCliError(`${flag} "${name}" is not an SPN name.`, {
      code: 'INVALID_OPTION',
      metaMessages: ['- Expected spn1, spn2, … (the names `mesh status` lists).'],
    })
  return BigInt(m[1] as string)
}

/**
 * One message of the source SPN's exit tree as `mesh_getMessagesByTx` reports it: core's wire shape
 * (quantities decoded) and the settlement batch its position falls in (`position >> 4`).
 */
export type SentMessage = ExitMessage & { batch: number }

type RawExitMessage = Omit<
  ExitMessage,
  'position' | 'messageIndex' | 'block' | 'srcSpn' | 'dstSpn' | 'value'
> & {
  position: number | Hex
  batch: number
  messageIndex: Hex
  block: Hex
  srcSpn: Hex
  dstSpn: Hex
  value: Hex
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The messages transaction `txHash` sent on `spn` (empty when it sent none, or the node does not know it). */
export async function messagesOfTx(spn: RPCTarget, txHash: Hash): Promise<SentMessage[]> {
  const raw = await rpcRequest<RawExitMessage[]>(spn, 'mesh_getMessagesByTx', [txHash])
  return raw.map((m) => ({
    ...m,
    position: BigInt(m.position),
    messageIndex: BigInt(m.messageIndex),
    block: BigInt(m.block),
    srcSpn: BigInt(m.srcSpn),
    dstSpn: BigInt(m.dstSpn),
    value: BigInt(m.value),
  }))
}

/** The main net's acceptance of settlement `settlementIndex` of SPN `spnId`, if it happened. */
export type Settled = { settlementIndex: bigint; blockNumber: bigint; fromBlock: bigint; toBlock: bigint }

export async function settledAt(
  mainnet: RPCTarget,
  spnId: bigint,
  settlementIndex: bigint,
): Promise<Settled | undefined> {
  const { publicClient } = clientsFor(mainnet)
  const [log] = await publicClient.getContractEvents({
    address: SYSTEM_ADDRESSES.mainnet.settlement,
    abi: settlementAbi,
    eventName: 'SettlementAccepted',
    args: { spnId, settlementIndex },
    fromBlock: 0n,
    toBlock: 'latest',
  })
  if (!log) return undefined
  return {
    settlementIndex,
    blockNumber: log.blockNumber,
    fromBlock: log.args.fromBlock as bigint,
    toBlock: log.args.toBlock as bigint,
  }
}

/** The settlement of the source SPN that finalizes a message: one per 16-leaf exit batch, 1-based. */
export const settlementIndexOf = (m: { batch: number }): bigint => BigInt(m.batch + 1)

export type InboxEntry = InboxEntryJSON

/** The destination's inbox entry of message (srcSpn, position), once the destination knows of it. */
export async function inboxEntry(
  dst: RPCTarget,
  srcSpn: bigint,
  position: number,
): Promise<InboxEntry | undefined> {
  const inbox = await rpcRequest<InboxEntry[]>(dst, 'mesh_getInbox', [])
  return inbox.find((e) => BigInt(e.srcSpn) === srcSpn && BigInt(e.position) === BigInt(position))
}

/** Why a failed delivery's recipient reverted (the Mailbox's `MessageFailed.reason`). */
export async function failureReason(dst: RPCTarget, entry: InboxEntry): Promise<string | undefined> {
  if (entry.error) return entry.error
  if (!entry.transactionHash) return undefined
  const { publicClient } = clientsFor(dst)
  const receipt = await publicClient.getTransactionReceipt({ hash: entry.transactionHash })
  const failed = parseEventLogs({ abi: mailboxAbi, eventName: 'MessageFailed', logs: receipt.logs }).find(
    (l) => l.args.position === BigInt(entry.position) && l.args.srcSpn === BigInt(entry.srcSpn),
  )
  if (!failed) return undefined
  const reason = failed.args.reason
  if (reason === '0x') return 'reverted without data'
  try {
    const e = decodeErrorResult({ data: reason })
    return e.errorName === 'Error' ? String(e.args?.[0]) : `${e.errorName}(${(e.args ?? []).join(', ')})`
  } catch {
    return reason
  }
}

/** Polls `f` every `intervalMs` until it returns a value; `undefined` once `deadline` (epoch ms) passes. */
export async function poll<T>(
  f: () => Promise<T | undefined>,
  deadline: number,
  intervalMs = 200,
): Promise<T | undefined> {
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() >= deadline) return undefined
    await sleep(intervalMs)
  }
}

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

/** Waits (briefly) until the source SPN's exit tree has the messages of a mined transaction. */
export async function waitMessagesOfTx(
  spn: RPCTarget,
  txHash: Hash,
  deadline: number,
): Promise<SentMessage[]> {
  return (
    (await poll(
      async () => {
        const ms = await messagesOfTx(spn, txHash)
        return ms.length > 0 ? ms : undefined
      },
      deadline,
      100,
    )) ?? []
  )
}
