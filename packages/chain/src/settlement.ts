import type { Groth16Proof } from '@rollup-mesh/core'
import { InvalidParameterError, keccak256 } from '@rollup-mesh/core'
import {
  concat,
  decodeAbiParameters,
  encodeAbiParameters,
  type Hash,
  type Hex,
  hexToBytes,
  parseAbi,
  size,
  zeroHash,
} from 'viem'

/**
 * The settlement header an SPN submits to the main net (DESIGN §4): the bytes the ZK proof's
 * `settlementHash` and the TEE quote's report data commit to. Shared by `spn` (builds and submits) and
 * `mainnet` (accepts), which must not import each other. Exit roots are BN254 field elements as 32-byte words.
 */
export type SettlementHeader = {
  spnId: bigint
  /** First SPN block covered (1 for an SPN's first settlement). */
  fromBlock: bigint
  /** Last SPN block covered (≥ fromBlock). */
  toBlock: bigint
  /** State root at `fromBlock - 1` (the SPN's genesis state root for the first settlement). */
  prevStateRoot: Hash
  /** State root at `toBlock`. */
  newStateRoot: Hash
  /** Exit root the last accepted settlement ended with (the empty tree's root at first). */
  prevExitRoot: Hash
  newExitRoot: Hash
  /** Exit-tree index of the batch: 16 × the number of settlements accepted before. */
  startIndex: bigint
  /** Real leaves in the batch, 0 to 16. */
  leafCount: bigint
}

/** Leaves per settlement batch (zk-bridge's `SETTLEMENT_BATCH_SIZE`). */
export const SETTLEMENT_MAX_LEAVES = 16

/** BN254's scalar field (zk-bridge's `SNARK_SCALAR_FIELD`). */
const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n

/** The header's ABI tuple, in order. */
export const SETTLEMENT_HEADER_ABI = [
  { name: 'spnId', type: 'uint64' },
  { name: 'fromBlock', type: 'uint64' },
  { name: 'toBlock', type: 'uint64' },
  { name: 'prevStateRoot', type: 'bytes32' },
  { name: 'newStateRoot', type: 'bytes32' },
  { name: 'prevExitRoot', type: 'bytes32' },
  { name: 'newExitRoot', type: 'bytes32' },
  { name: 'startIndex', type: 'uint64' },
  { name: 'leafCount', type: 'uint64' },
] as const

/** Every field is static, so the encoding is always 9 words. */
export const SETTLEMENT_HEADER_LENGTH = 288

/**
 * `abi.encode(uint64 spnId, uint64 fromBlock, uint64 toBlock, bytes32 prevStateRoot, bytes32 newStateRoot,
 * bytes32 prevExitRoot, bytes32 newExitRoot, uint64 startIndex, uint64 leafCount)`.
 */
export function encodeSettlementHeader(header: SettlementHeader): Hex {
  if (header.leafCount < 0n || header.leafCount > BigInt(SETTLEMENT_MAX_LEAVES))
    throw new InvalidParameterError({
      param: 'header.leafCount',
      expected: `0 to ${SETTLEMENT_MAX_LEAVES}`,
      got: header.leafCount,
    })
  return encodeAbiParameters(SETTLEMENT_HEADER_ABI, [
    header.spnId,
    header.fromBlock,
    header.toBlock,
    header.prevStateRoot,
    header.newStateRoot,
    header.prevExitRoot,
    header.newExitRoot,
    header.startIndex,
    header.leafCount,
  ])
}

export function decodeSettlementHeader(encoded: Hex): SettlementHeader {
  if (size(encoded) !== SETTLEMENT_HEADER_LENGTH)
    throw new InvalidParameterError({
      param: 'header',
      expected: `${SETTLEMENT_HEADER_LENGTH} bytes (abi-encoded SettlementHeader)`,
      got: `${size(encoded)} bytes`,
    })
  const [
    spnId,
    fromBlock,
    toBlock,
    prevStateRoot,
    newStateRoot,
    prevExitRoot,
    newExitRoot,
    startIndex,
    leafCount,
  ] = decodeAbiParameters(SETTLEMENT_HEADER_ABI, encoded)
  return {
    spnId,
    fromBlock,
    toBlock,
    prevStateRoot,
    newStateRoot,
    prevExitRoot,
    newExitRoot,
    startIndex,
    leafCount,
  }
}

/** keccak256 of the encoded header: the `headerHash` of `SettlementAccepted`. */
export function settlementHeaderHash(header: SettlementHeader | Hex): Hash {
  return keccak256(typeof header === 'string' ? header : encodeSettlementHeader(header))
}

/** The proof's `settlementHash` public signal: keccak256(header) reduced into BN254's field (zk-bridge's `toField`). */
export function settlementHashField(header: SettlementHeader | Hex): bigint {
  return BigInt(settlementHeaderHash(header)) % FIELD
}

/** The 64 bytes the SPN's enclave quotes over: `keccak256(header) ‖ 0^32` (tee-attest's `reportDataForSettlement`). */
export function settlementReportData(header: SettlementHeader | Hex): Uint8Array {
  return hexToBytes(concat([settlementHeaderHash(header), zeroHash]))
}

const PROOF_ABI = [{ type: 'uint256[2]' }, { type: 'uint256[2][2]' }, { type: 'uint256[2]' }] as const

/**
 * snarkjs' Groth16 proof as `Settlement.submit` takes it: `abi.encode(uint256[2] a, uint256[2][2] b,
 * uint256[2] c)` (256 bytes), with each G2 coordinate's limbs swapped as the Solidity verifier expects.
 */
export function encodeGroth16Proof(proof: Groth16Proof['proof']): Hex {
  const n = (v: string | undefined, what: string): bigint => {
    if (v === undefined)
      throw new InvalidParameterError({ param: `proof.${what}`, expected: 'a decimal string', got: v })
    return BigInt(v)
  }
  const a = [n(proof.pi_a[0], 'pi_a[0]'), n(proof.pi_a[1], 'pi_a[1]')] as const
  const b = [
    [n(proof.pi_b[0]?.[1], 'pi_b[0][1]'), n(proof.pi_b[0]?.[0], 'pi_b[0][0]')],
    [n(proof.pi_b[1]?.[1], 'pi_b[1][1]'), n(proof.pi_b[1]?.[0], 'pi_b[1][0]')],
  ] as const
  const c = [n(proof.pi_c[0], 'pi_c[0]'), n(proof.pi_c[1], 'pi_c[1]')] as const
  return encodeAbiParameters(PROOF_ABI, [a, b, c])
}

/** snarkjs' public signals (decimal strings) as the contract's `uint256[5]`. */
export function publicSignalsToUint(
  signals: readonly string[],
): readonly [bigint, bigint, bigint, bigint, bigint] {
  if (signals.length !== 5)
    throw new InvalidParameterError({ param: 'publicSignals', expected: '5 decimal strings', got: signals })
  return signals.map((s) => BigInt(s)) as unknown as readonly [bigint, bigint, bigint, bigint, bigint]
}

/**
 * The part of the main net's `Settlement` contract an SPN calls (the full ABI is generated in
 * packages/mainnet from contracts/Settlement.sol).
 */
export const settlementSubmitAbi = parseAbi([
  'function submit(bytes header, bytes proof, uint256[5] publicSignals, bytes quote) returns (uint64 settlementIndex)',
  'function tipOf(uint64 spnId) view returns (uint64 count, uint64 toBlock, uint64 nextStartIndex, bytes32 stateRoot, bytes32 exitRoot, bytes32 headerHash)',
  'event SettlementAccepted(uint64 indexed spnId, uint64 indexed settlementIndex, bytes32 indexed headerHash, uint64 fromBlock, uint64 toBlock, bytes32 newStateRoot, bytes32 newExitRoot, uint64 startIndex, uint64 leafCount, bool simulatedTee)',
])
