import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import type { CustomPrecompile, CustomPrecompiles } from '@rollup-mesh/dual-vm'
import { EXIT_TREE_DEPTH, exitLeafHashOfDataHash, verifyExitProof } from '@rollup-mesh/zk-bridge/exits'
import { bytesToHex, decodeAbiParameters, encodeAbiParameters, hexToBigInt, hexToBytes } from 'viem'

/** The SPN's exit-proof precompile (called by the Mailbox's `deliver`). */

/** `(srcSpn, position, dstSpn, to, sender, value, dataHash, root, siblings[24])`: 32 static words. */
export const EXIT_PROOF_INPUT_ABI = [
  { name: 'srcSpn', type: 'uint64' },
  { name: 'position', type: 'uint64' },
  { name: 'dstSpn', type: 'uint64' },
  { name: 'to', type: 'address' },
  { name: 'sender', type: 'address' },
  { name: 'value', type: 'uint256' },
  { name: 'dataHash', type: 'bytes32' },
  { name: 'root', type: 'bytes32' },
  { name: 'siblings', type: `bytes32[${EXIT_TREE_DEPTH}]` },
] as const

const INPUT_BYTES = (9 + EXIT_TREE_DEPTH - 1) * 32
/** Poseidon in TypeScript: one leaf hash (7 inputs) and 24 pair hashes; priced like ~25 keccak-heavy calls. */
export const EXIT_PROOF_GAS = 45_000n

const TRUE = encodeAbiParameters([{ type: 'bool' }], [true])
const FALSE = encodeAbiParameters([{ type: 'bool' }], [false])

/**
 * Checks a message's exit-tree inclusion proof: recomputes the leaf (zk-bridge's `exitLeafHash`, from the
 * data's keccak256) and folds the siblings up to `root`. Returns ABI `true`/`false`; input that is not the
 * 1,024-byte encoding, or a value/sibling outside the field, is `false`. Gas 45,000 whatever the outcome.
 */
export const exitProofPrecompile: CustomPrecompile = (input) => {
  const gasUsed = EXIT_PROOF_GAS
  if (input.length !== INPUT_BYTES) return { returnData: hexToBytes(FALSE), gasUsed }
  try {
    const [srcSpn, position, dstSpn, to, sender, value, dataHash, root, siblings] = decodeAbiParameters(
      EXIT_PROOF_INPUT_ABI,
      bytesToHex(input),
    )
    const leaf = exitLeafHashOfDataHash({
      srcSpn,
      position,
      dstSpn,
      to,
      sender,
      value,
      dataHash,
    })
    const ok = verifyExitProof(
      { leaf, index: Number(position), siblings: siblings.map((s) => hexToBigInt(s)) },
      hexToBigInt(root),
    )
    return { returnData: hexToBytes(ok ? TRUE : FALSE), gasUsed }
  } catch {
    return { returnData: hexToBytes(FALSE), gasUsed }
  }
}

/** The SPN's custom precompiles (the executor's `precompiles` option). */
export function spnPrecompiles(): CustomPrecompiles {
  return new Map([[SYSTEM_ADDRESSES.spn.exitProofVerifier, exitProofPrecompile]])
}
