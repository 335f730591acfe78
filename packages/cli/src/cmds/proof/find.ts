// Which message `mesh proof export` means: a source tx hash (asked of the SPNs) or spnN:position.
import { formatEther, type Hash } from 'viem'
import { MeshCliError } from '../../errors.js'
import { spnOf, targetOf } from '../../mesh/spns.js'
import type { MeshState } from '../../mesh/state.js'
import { messagesOfTx, type SentMessage } from '../bridge/message.js'
import type { ProofExportOptions } from './options.js'

/** A message reference on the command line: a source transaction hash, or `spnN:position`. */
export type MessageRef =
  | { kind: 'tx'; txHash: Hash }
  | { kind: 'position'; network: string; position: number }

export function parseMessageRef(text: string): MessageRef {
  const t = text.trim()
  if (/^0x[0-9a-fA-F]{64}$/.test(t)) return { kind: 'tx', txHash: t as Hash }
  const m = /^(spn[1-9]\d*):(\d+)$/.exec(t)
  if (m && Number.isSafeInteger(Number(m[2])))
    return { kind: 'position', network: m[1] as string, position: Number(m[2]) }
  throw new MeshCliError(`"${text}" is not a message reference.`, {
    code: 'INVALID_ARGUMENT',
    metaMessages: [
      '- Expected the source transaction hash (0x + 64 hex digits, what `mesh bridge` printed),',
      '  or spnN:position (the exit-tree position, e.g. spn1:16).',
    ],
  })
}

export type Found = {
  net: MeshState['networks'][number]
  position: number
  batch: number
  message?: SentMessage
}

/** Finds the message a reference names: a tx hash asks `--network` or every SPN (`mesh_getMessagesByTx`). */
export async function findMessage(
  state: MeshState,
  ref: MessageRef,
  options: ProofExportOptions,
): Promise<Found> {
  if (ref.kind === 'position') {
    const { net } = spnOf(state, ref.network, 'message')
    return { net, position: ref.position, batch: Math.floor(ref.position / 16) }
  }
  const nets = options.network
    ? [spnOf(state, options.network, '--network').net]
    : state.networks.filter((n) => n.kind === 'spn')
  const hits: { net: Found['net']; messages: SentMessage[] }[] = []
  for (const net of nets) {
    const messages = await messagesOfTx(targetOf(net), ref.txHash)
    if (messages.length > 0) hits.push({ net, messages })
  }
  const [hit] = hits
  if (!hit)
    throw new MeshCliError(`No SPN reports a message sent by tx ${ref.txHash}.`, {
      code: 'MESSAGE_NOT_FOUND',
      metaMessages: [
        `- Asked ${nets.map((n) => n.name).join(', ')} (mesh_getMessagesByTx).`,
        '- Pass the hash of a transaction that called Mailbox.sendMessage (directly or through a contract).',
      ],
    })
  if (hits.length > 1)
    throw new MeshCliError(
      `Tx ${ref.txHash} sent messages on ${hits.map((h) => h.net.name).join(' and ')}.`,
      {
        code: 'AMBIGUOUS_MESSAGE',
        metaMessages: ['- Pick the source with --network.'],
      },
    )
  if (hit.messages.length > 1 && options.index === undefined)
    throw new MeshCliError(`Tx ${ref.txHash} sent ${hit.messages.length} messages: pick one with --index.`, {
      code: 'AMBIGUOUS_MESSAGE',
      metaMessages: hit.messages.map(
        (m, i) =>
          `- --index ${i}: position ${m.position} → spn${m.dstSpn} ${m.to} (${formatEther(m.value)} ETH)`,
      ),
    })
  const message = hit.messages[options.index ?? 0]
  if (!message)
    throw new MeshCliError(
      `--index ${options.index}: tx ${ref.txHash} sent ${hit.messages.length} message(s).`,
      {
        code: 'INVALID_OPTION',
      },
    )
  return { net: hit.net, position: Number(message.position), batch: message.batch, message }
}
