// The proof bundle of a settled message: checked settled on the main net, exported, with its delivery.
import { BaseError, spnNetworkName } from '@rollup-mesh/core'
import { exportProofBundle, type ProofBundle } from '@rollup-mesh/mainnet'
import { clientsFor } from '../../contracts/client.js'
import { MeshCliError, NodeRpcError } from '../../errors.js'
import { type RPCTarget, rpcRequest } from '../../mesh/rpc.js'
import { spnIdOfName, targetOf } from '../../mesh/spns.js'
import type { MeshState } from '../../mesh/state.js'
import { inboxEntry, settledAt, settlementIndexOf } from '../bridge/message.js'

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
    // an unreachable node stays NODE_UNREACHABLE; the node's answer "no such position" is MESSAGE_NOT_FOUND
    if (err instanceof BaseError && !(err instanceof NodeRpcError)) throw err
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
    // a main net without commit certificates (BUNDLE_COMMIT_UNAVAILABLE) says what to run instead
    throw new MeshCliError(`Exporting the proof of ${src.network}:${position} failed.`, {
      code: 'EXPORT_FAILED',
      details: (err as Error).message.split('\n')[0],
      ...(err instanceof BaseError && err.metaMessages ? { metaMessages: err.metaMessages } : {}),
    })
  }
  const dstName = spnNetworkName(BigInt(bundle.message.dstSpn))
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
