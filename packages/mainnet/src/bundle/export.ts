import { InvalidParameterError } from '@rollup-mesh/core'
import { decodeHeader, recoverHeaderSigner } from '@rollup-mesh/p2p/wire'
import { type Address, type Hash, type Hex, hexToBytes } from 'viem'
import { exportSettlementAcceptance } from '../acceptance.js'
import { readSPN } from '../client.js'
import { exportBundleCommit } from './exportCommit.js'
import { PROOF_BUNDLE_VERSION, type ProofBundle } from './types.js'

type RequestClient = { request(args: { method: string; params?: unknown }): Promise<unknown> }

type ServedExitProof = {
  index: number
  batch: number
  leaf: Hex
  root: Hash
  siblings: Hex[]
  message: {
    messageIndex: Hex
    block: Hex
    txHash: Hash
    srcSpn: Hex
    dstSpn: Hex
    sender: Address
    to: Address
    value: Hex
    data: Hex
  }
}

/**
 * Exports the proof bundle of the message at exit-tree `position` of the SPN behind `spn` (its JSON-RPC:
 * `mesh_getExitProof`), reading the settlement that finalized it from the main net behind `mainnet`.
 * Adds the accepting block's commit certificate, validator set and certificate chain
 * (`exportBundleCommit`). Fails with a clear error while the message's settlement is not accepted yet, and
 * with `BUNDLE_COMMIT_UNAVAILABLE` naming `mesh_getCommit` when the node serves no certificates.
 *
 * @example
 * ```ts
 * import { exportProofBundle } from '@rollup-mesh/mainnet'
 * import { createPublicClient, http } from 'viem'
 *
 * const spn = createPublicClient({ transport: http(spnRpcUrl) })
 * const mainnet = createPublicClient({ transport: http(mainnetRpcUrl) })
 * const bundle = await exportProofBundle({ spn, mainnet, position: 0 })
 * writeFileSync('bundle.json', JSON.stringify(bundle, null, 2)) // what `mesh proof verify` reads
 * ```
 */
export async function exportProofBundle(params: {
  spn: RequestClient
  mainnet: RequestClient & { readContract: Parameters<typeof readSPN>[0]['readContract'] }
  position: number
}): Promise<ProofBundle> {
  const proof = (await params.spn.request({
    method: 'mesh_getExitProof',
    params: [params.position],
  })) as ServedExitProof
  const srcSpn = BigInt(proof.message.srcSpn)
  const settlementIndex = BigInt(proof.batch + 1)
  const acceptance = await exportSettlementAcceptance(params.mainnet, {
    spnId: srcSpn,
    settlementIndex,
  }).catch((error: unknown) => {
    throw new InvalidParameterError({
      param: 'position',
      expected: `a message whose settlement (SPN ${srcSpn} #${settlementIndex}) the main net accepted (${(error as Error).message.split('\n')[0]})`,
      got: params.position,
    })
  })
  const commit = await exportBundleCommit(params.mainnet, BigInt(acceptance.mainnet.blockNumber))
  const registered = await readSPN(params.mainnet, srcSpn)
  // the node that served the header signed it: the bundle names that signer (`mainnet-header-signature`)
  const validator = (
    await recoverHeaderSigner(
      acceptance.mainnet.network,
      decodeHeader(hexToBytes(acceptance.mainnet.signedHeader)),
    )
  ).toLowerCase() as Address
  return {
    kind: 'rollup-mesh/proof-bundle',
    version: PROOF_BUNDLE_VERSION,
    message: {
      srcSpn: srcSpn.toString(),
      dstSpn: BigInt(proof.message.dstSpn).toString(),
      position: proof.index,
      messageIndex: BigInt(proof.message.messageIndex).toString(),
      sender: proof.message.sender,
      to: proof.message.to,
      value: BigInt(proof.message.value).toString(),
      data: proof.message.data,
      sourceBlock: BigInt(proof.message.block).toString(),
      sourceTxHash: proof.message.txHash,
    },
    inclusion: { leaf: proof.leaf, siblings: proof.siblings, root: proof.root },
    vkeyId: registered.vkHash,
    registry: {
      operator: registered.operator,
      measurements: [...registered.measurements],
      simulatedRoots: [...registered.simulatedRoots],
      vkHash: registered.vkHash,
    },
    validator,
    acceptance,
    commit,
  }
}
