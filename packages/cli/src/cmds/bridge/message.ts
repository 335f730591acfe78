// A cross-SPN message as the nodes report it: sent (source SPN), settled (main net), delivered (destination).
import { type ExitMessage, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { settlementAbi } from '@rollup-mesh/mainnet'
import type { InboxEntryJSON } from '@rollup-mesh/spn'
import { decodeErrorResult, type Hash, type Hex, parseEventLogs } from 'viem'
import { clientsFor } from '../../contracts/client.js'
import { type RPCTarget, rpcRequest } from '../../mesh/rpc.js'
import { mailboxAbi } from './mailbox.js'
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
