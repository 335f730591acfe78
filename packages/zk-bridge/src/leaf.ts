import {
  type ExitMessage,
  type Hex,
  hexToBigInt,
  InvalidParameterError,
  isAddress,
  keccak256,
} from '@rollup-mesh/core'
import { poseidon7 } from 'poseidon-lite/poseidon7'
import { SNARK_SCALAR_FIELD, toField } from './constants.js'

/**
 * The fields of a cross-network message (core's `ExitMessage`) that its exit-tree leaf commits to: the
 * source SPN, the leaf's position in the source SPN's exit tree, the destination SPN, the receiving
 * account `to`, the `sender` on the source SPN, the native `value` (wei) and the call `data`.
 */
export type ExitLeafMessage = Pick<
  ExitMessage,
  'srcSpn' | 'position' | 'dstSpn' | 'to' | 'sender' | 'value' | 'data'
>

const UINT64_MAX = 2n ** 64n - 1n

/**
 * The exit-tree leaf of a message:
 *
 *   Poseidon7(srcSpn, position, dstSpn, to, sender, value, keccak256(data) mod p)
 *
 * with circomlib's Poseidon over BN254 (p = SNARK_SCALAR_FIELD). SPN ids and the position are uint64,
 * addresses are their 160-bit integers, `value` must be below p (every real amount is), and the data
 * is committed by its keccak256 reduced into the field. Every input is a field element, so the
 * encoding is injective apart from the data-hash reduction (a 254-bit image of a 256-bit hash).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { exitLeafHash, SNARK_SCALAR_FIELD } from '@rollup-mesh/zk-bridge/exits'
 *
 * const leaf = exitLeafHash({
 *   srcSpn: 1n,
 *   position: 0n,
 *   dstSpn: 2n,
 *   to: '0x00000000000000000000000000000000000000aa',
 *   sender: '0x00000000000000000000000000000000000000bb',
 *   value: 10n ** 18n,
 *   data: '0x1234',
 * })
 * assert.ok(leaf > 0n && leaf < SNARK_SCALAR_FIELD)
 * ```
 */
export function exitLeafHash(message: ExitLeafMessage): bigint {
  return exitLeafHashOfDataHash({ ...message, dataHash: keccak256(message.data) })
}

/**
 * `exitLeafHash` from the data's keccak256 instead of the data (what an on-chain verifier has at hand:
 * the SPN Mailbox passes `keccak256(data)` to its exit-proof precompile).
 */
export function exitLeafHashOfDataHash(message: Omit<ExitLeafMessage, 'data'> & { dataHash: Hex }): bigint {
  const srcSpn = uint64('srcSpn', message.srcSpn)
  const position = uint64('position', message.position)
  const dstSpn = uint64('dstSpn', message.dstSpn)
  if (!isAddress(message.to, { strict: false }))
    throw new InvalidParameterError({ param: 'to', expected: 'a 20-byte address', got: message.to })
  if (!isAddress(message.sender, { strict: false }))
    throw new InvalidParameterError({ param: 'sender', expected: 'a 20-byte address', got: message.sender })
  if (typeof message.value !== 'bigint' || message.value < 0n || message.value >= SNARK_SCALAR_FIELD)
    throw new InvalidParameterError({
      param: 'value',
      expected: 'a bigint in [0, SNARK_SCALAR_FIELD)',
      got: message.value,
    })
  return poseidon7([
    srcSpn,
    position,
    dstSpn,
    hexToBigInt(message.to),
    hexToBigInt(message.sender),
    message.value,
    toField(hexToBigInt(message.dataHash)),
  ])
}

/** keccak256 of the message data, reduced into the scalar field (the leaf's last input). */
export function dataHashToField(data: Hex): bigint {
  return toField(hexToBigInt(keccak256(data)))
}

function uint64(param: string, value: bigint | number): bigint {
  const v = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value
  if (typeof v !== 'bigint' || v < 0n || v > UINT64_MAX)
    throw new InvalidParameterError({ param, expected: 'an unsigned 64-bit integer', got: value })
  return v
}
