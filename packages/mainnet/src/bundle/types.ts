import type { CertificateInput } from '@rollup-mesh/tee-attest'
import type { VerificationKey } from '@rollup-mesh/zk-bridge'
import type { Address, Hash, Hex } from 'viem'
import type { AcceptanceCheck, SettlementAcceptance } from '../acceptance.js'

/** The bundle version this code writes; `verifyProofBundle` still reads 1 (no commit certificate). */
export const PROOF_BUNDLE_VERSION = 2

/**
 * A main-net block header as `eth_getBlockByNumber` serves it (the fields `hashHeader` commits to), so a
 * verifier recomputes the block hash the certificate signs. `extraData` = validatorsHash ‖ nextValidatorsHash.
 */
export type BundleHeader = {
  parentHash: Hash
  number: Hex
  timestamp: Hex
  miner: Address
  stateRoot: Hash
  transactionsRoot: Hash
  receiptsRoot: Hash
  logsBloom: Hex
  gasUsed: Hex
  gasLimit: Hex
  baseFeePerGas: Hex
  exitRoot: Hash
  extraData: Hex
}

/** A validator as `mesh_getValidators` serves it (the genesis entry: with the PoP of its BLS key). */
export type BundleValidator = { address: Address; blsPublicKey: Hex; proofOfPossession: Hex; power: number }

/** One link of the certificate chain: a header where the set changed, its certificate and the new set. */
export type BundleCommitLink = { header: BundleHeader; certificate: Hex; nextValidators?: BundleValidator[] }

/**
 * The finality evidence of the accepting main-net block: its header, its commit certificate
 * (`encodeCommitCertificate`), the set that signed it, and (when the set changed since genesis) the
 * certificate chain from the genesis set (`chainFrom`) through every change to `validators`.
 */
export type BundleCommit = {
  header: BundleHeader
  certificate: Hex
  validatorsHash: Hash
  validators: BundleValidator[]
  /** The set the chain starts from (genesis); absent when `chain` is empty. */
  chainFrom?: { validatorsHash: Hash; validators: BundleValidator[] }
  chain: BundleCommitLink[]
}

/**
 * A proof bundle (DESIGN §4): everything needed to check, offline, that a cross-network message is final:
 * the message, its exit-tree inclusion path, the settlement that finalized the root (header, Groth16 proof
 * and public signals, TEE quote), the verifying-key id, what the SPN registry held for the source SPN when
 * the bundle was exported, the main-net block that accepted the settlement (`acceptance`) and, from
 * version 2, that block's commit certificate (`commit`). JSON-safe: integers that may exceed 2^53 are
 * decimal strings.
 */
export type ProofBundle = {
  kind: 'rollup-mesh/proof-bundle'
  /** 2 carries `commit`; 1 (single-key main net) does not and verifies with a warning. */
  version: 1 | 2
  message: {
    srcSpn: string
    dstSpn: string
    /** The leaf's position in the source SPN's exit tree (with `srcSpn`, the delivery nullifier). */
    position: number
    messageIndex: string
    sender: Address
    to: Address
    value: string
    data: Hex
    sourceBlock: string
    sourceTxHash: Hash
  }
  inclusion: { leaf: Hex; siblings: Hex[]; root: Hash }
  /** keccak256 of the verifying key's coordinates (`verifyingKeyHash`), as registered. */
  vkeyId: Hash
  /** The source SPN's registry entry at export time (what an offline check uses unless told otherwise). */
  registry: { operator: Address; measurements: Hex[]; simulatedRoots: Hex[]; vkHash: Hash }
  /** The signer of the accepting block's header (version 1: the main net's one validator). */
  validator: Address
  acceptance: SettlementAcceptance
  /** Version 2: the accepting block's commit certificate and the validator set that signed it. */
  commit?: BundleCommit
  /** Where the message was delivered, when it was (informational: the offline checks do not depend on it). */
  delivery?: { network: string; transactionHash: Hash; blockNumber: string; status: string }
}

export type BundleCheckName =
  | 'bundle'
  | 'message-leaf'
  | 'inclusion'
  | 'settled-root'
  | 'verifying-key'
  | AcceptanceCheck['name']
  | 'validator-set'
  | 'commit-certificate'

/** One check; `warning` marks a pass that the reader should know about (a version-1 bundle's missing certificate). */
export type BundleCheck = { name: BundleCheckName; ok: boolean; detail: string; warning?: true }

export type BundleVerification = {
  ok: boolean
  checks: BundleCheck[]
  /** The first failed check. */
  failed?: BundleCheckName
  /** Where the trusted inputs came from (`option` or `bundle`). */
  trust: {
    validator: 'option' | 'bundle'
    measurements: 'option' | 'bundle'
    vkey: 'option' | 'artifacts'
    validatorsHash: 'option' | 'bundle'
  }
}

export type VerifyBundleOptions = {
  /** Default: zk-bridge's committed `verification_key.json`. */
  vkey?: VerificationKey
  /** Pin the main-net header signer; default the bundle's. */
  validator?: Address
  /** Pin the main-net validator set by its hash; default the bundle's own set. */
  validatorsHash?: Hash
  /** Pin the SPN's enclave measurements; default the bundle's registry entry. */
  measurements?: readonly Hex[]
  simulatedRoots?: readonly CertificateInput[]
  trustedRoots?: readonly CertificateInput[]
}
