import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { BaseError } from '@rollup-mesh/core'
import { exportProofBundle, type ProofBundle } from '@rollup-mesh/mainnet'
import { formatEther, type Hash } from 'viem'
import { clientsFor } from '../../contracts/client.js'
import { MeshCliError } from '../../errors.js'
import { type RPCTarget, rpcRequest } from '../../mesh/rpc.js'
import { type MeshState, requireState, resolveDataDir } from '../../mesh/state.js'
import { createOut } from '../../output.js'
import {
  inboxEntry,
  messagesOfTx,
  type SentMessage,
  settledAt,
  settlementIndexOf,
  spnIdOfName,
  spnOf,
  targetOf,
} from '../bridge/message.js'
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

type Found = { net: MeshState['networks'][number]; position: number; batch: number; message?: SentMessage }

/** Finds the message a reference names: a tx hash asks `--network` or every SPN (`mesh_getMessagesByTx`). */
async function findMessage(state: MeshState, ref: MessageRef, options: ProofExportOptions): Promise<Found> {
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

/**
 * Exports the bundle of the message at `position` of `src` (reading the main net), with where the
 * destination delivered it when it did. A message whose settlement is not accepted yet is a clear error.
 */
export async function exportBundle(params: {
  state: MeshState
  src: RPCTarget
  position: number
  batch: number
}): Promise<{ bundle: ProofBundle; settlementIndex: bigint; mainnetBlock: bigint }> {
  const { state, src, position } = params
  const main = state.networks.find((n) => n.kind === 'mainnet')
  if (!main)
    throw new MeshCliError('This mesh has no main net: nothing is settled, so there is no proof to export.', {
      code: 'NO_MAINNET',
    })
  const mainnet = targetOf(main)
  const spnId = spnIdOfName(src.network)
  try {
    await rpcRequest(src, 'mesh_getExitProof', [position])
  } catch (err) {
    if (err instanceof BaseError) throw err
    throw new MeshCliError(`${src.network} has no message at exit position ${position}.`, {
      code: 'MESSAGE_NOT_FOUND',
      details: (err as Error).message.split('\n')[0],
      metaMessages: ['- Pass the source transaction hash instead: `mesh proof export <tx hash>`.'],
    })
  }
  const settlementIndex = settlementIndexOf(params)
  const settled = await settledAt(mainnet, spnId, settlementIndex)
  if (!settled)
    throw new MeshCliError(`Message ${src.network}:${position} is not settled yet.`, {
      code: 'NOT_SETTLED',
      metaMessages: [
        `- Its settlement (#${settlementIndex} of ${src.network}) is not accepted on the main net yet.`,
        '- Try again in a few seconds (`mesh status` shows the last accepted settlement of each SPN).',
      ],
    })
  let bundle: ProofBundle
  try {
    bundle = await exportProofBundle({
      spn: clientsFor(src).publicClient,
      mainnet: clientsFor(mainnet).publicClient,
      position,
    })
  } catch (err) {
    throw new MeshCliError(`Exporting the proof of ${src.network}:${position} failed.`, {
      code: 'EXPORT_FAILED',
      details: (err as Error).message.split('\n')[0],
    })
  }
  const dstName = `spn${bundle.message.dstSpn}`
  const dst = state.networks.find((n) => n.name === dstName)
  if (dst) {
    const entry = await inboxEntry(targetOf(dst), spnId, position).catch(() => undefined)
    if (entry?.transactionHash && entry.blockNumber)
      bundle.delivery = {
        network: dstName,
        transactionHash: entry.transactionHash,
        blockNumber: BigInt(entry.blockNumber).toString(),
        status: entry.status,
      }
  }
  return { bundle, settlementIndex, mainnetBlock: settled.blockNumber }
}

/** `mesh proof export`: finds the message, exports its bundle, writes the JSON, prints a summary. */
export async function proofExportHandler(options: ProofExportOptions): Promise<number> {
  const out = createOut(options.json)
  const ref = parseMessageRef(options.message)
  const state = requireState(resolveDataDir(options.dataDir))
  const found = await findMessage(state, ref, options)
  const src = targetOf(found.net)
  const { bundle, settlementIndex, mainnetBlock } = await exportBundle({
    state,
    src,
    position: found.position,
    batch: found.batch,
  })
  const file = resolve(options.output ?? `bundle-${found.net.name}-${found.position}.json`)
  writeFileSync(file, `${JSON.stringify(bundle, null, 2)}\n`)
  const m = bundle.message
  out.line(`Wrote ${file}`)
  out.line(
    `  message     ${found.net.name}:${m.position} → spn${m.dstSpn} (Mailbox message #${m.messageIndex})`,
  )
  out.line(`  from → to   ${m.sender} → ${m.to}`)
  out.line(
    `  value       ${formatEther(BigInt(m.value))} ETH, data ${m.data.length > 42 ? `${m.data.slice(0, 42)}…` : m.data}`,
  )
  out.line(`  source      block ${m.sourceBlock}, tx ${m.sourceTxHash}`)
  out.line(
    `  settled     settlement #${settlementIndex} of ${found.net.name}, accepted in main net block ${mainnetBlock}`,
  )
  if (bundle.delivery)
    out.line(
      `  delivery    ${bundle.delivery.status} on ${bundle.delivery.network}, block ${bundle.delivery.blockNumber}, tx ${bundle.delivery.transactionHash}`,
    )
  out.line(`Check it offline: mesh proof verify ${options.output ?? file}`)
  out.result({
    file,
    message: m,
    settlementIndex,
    mainnetBlock,
    ...(bundle.delivery ? { delivery: bundle.delivery } : {}),
  })
  return 0
}
