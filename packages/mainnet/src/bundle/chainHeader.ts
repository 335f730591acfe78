import { hashHeader } from '@rollup-mesh/chain'
import type { ConsensusHeader, GenesisValidator } from '@rollup-mesh/consensus'
import { type Address, type Hash, type Hex, hexToBytes, isHex, size, slice } from 'viem'
import { BundleCheckError } from '../errors.js'
import type { BundleHeader, BundleValidator } from './types.js'

const HEADER_FIELDS = [
  'parentHash',
  'number',
  'timestamp',
  'miner',
  'stateRoot',
  'transactionsRoot',
  'receiptsRoot',
  'logsBloom',
  'gasUsed',
  'gasLimit',
  'baseFeePerGas',
  'exitRoot',
  'extraData',
] as const satisfies readonly (keyof BundleHeader)[]

/** Keeps the fields of an `eth_getBlockByNumber` answer that the block hash commits to. */
export function bundleHeaderFromRPC(block: Record<string, unknown>): BundleHeader {
  const out: Record<string, unknown> = {}
  for (const f of HEADER_FIELDS) {
    if (!isHex(block[f])) throw new BundleCheckError(`block field "${f}" as hex, got ${String(block[f])}`)
    out[f] = block[f]
  }
  return out as BundleHeader
}

/** The block hash: keccak256 of the RLP header (`@rollup-mesh/chain`'s `hashHeader`), recomputed. */
export function bundleHeaderHash(h: BundleHeader): Hash {
  return hashHeader({
    parentHash: h.parentHash,
    number: BigInt(h.number),
    timestamp: BigInt(h.timestamp),
    coinbase: h.miner,
    stateRoot: h.stateRoot,
    transactionsRoot: h.transactionsRoot,
    receiptsRoot: h.receiptsRoot,
    logsBloom: h.logsBloom,
    gasUsed: BigInt(h.gasUsed),
    gasLimit: BigInt(h.gasLimit),
    baseFeePerGas: BigInt(h.baseFeePerGas),
    exitRoot: h.exitRoot,
    extraData: h.extraData,
  })
}

/**
 * What consensus reads of a main-net header: its height, recomputed hash, and the two set hashes its
 * `extraData` carries (validatorsHash ‖ nextValidatorsHash, 64 bytes). Anything else is a check failure.
 */
export function consensusHeaderOf(h: BundleHeader): ConsensusHeader {
  for (const f of HEADER_FIELDS)
    if (!isHex(h?.[f])) throw new BundleCheckError(`header field "${f}" as hex, got ${String(h?.[f])}`)
  if (size(h.extraData) !== 64)
    throw new BundleCheckError(
      `header ${BigInt(h.number)} extraData of 64 bytes (validatorsHash ‖ nextValidatorsHash), got ${size(h.extraData)}`,
    )
  return {
    height: Number(BigInt(h.number)),
    hash: bundleHeaderHash(h),
    validatorsHash: slice(h.extraData, 0, 32),
    nextValidatorsHash: slice(h.extraData, 32, 64),
  }
}

/** A served/bundled validator list as consensus's genesis entries (bytes), each field checked. */
export function genesisValidatorsOf(validators: readonly BundleValidator[]): GenesisValidator[] {
  if (!Array.isArray(validators) || validators.length === 0)
    throw new BundleCheckError('a non-empty validators array')
  return validators.map((v, i) => {
    if (!isHex(v?.blsPublicKey) || !isHex(v?.proofOfPossession) || !isHex(v?.address))
      throw new BundleCheckError(`validator ${i} with hex address, blsPublicKey and proofOfPossession`)
    return {
      address: v.address as Address,
      publicKey: hexToBytes(v.blsPublicKey),
      proofOfPossession: hexToBytes(v.proofOfPossession),
      power: v.power,
    }
  })
}

/** Only the JSON fields of a served validator (drops whatever else the node adds). */
export function bundleValidatorOf(v: BundleValidator): BundleValidator {
  return {
    address: v.address,
    blsPublicKey: v.blsPublicKey as Hex,
    proofOfPossession: v.proofOfPossession as Hex,
    power: Number(v.power),
  }
}
