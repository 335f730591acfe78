import {
  type Address,
  type Hex,
  hexToBigInt,
  InvalidParameterError,
  isAddress,
  keccak256,
} from '@rollup-mesh/core'
import { poseidon7 } from 'poseidon-lite/poseidon7'
import { SNARK_SCALAR_FIELD, toField } from './constants.js'

/** A cross-network message as the exit tree commits to it. */
export type ExitMessage = {
  /** The SPN that sends the message. */
  sourceSpn: bigint | number
  /** The message's leaf index in the source SPN's exit tree. */
  index: bigint | number
  /** The SPN that receives it. */
  destinationSpn: bigint | number
  /** The receiving contract or account on the destination SPN. */
  recipient: Address
  /** The contract or account that called `sendMessage` on the source SPN. */
  sender: Address
  /** Native value carried, in wei. */
  value: bigint
  /** Call data for the recipient. */
  data: Hex
}

const UINT64_MAX = 2n ** 64n - 1n

/**
 * The exit-tree leaf of a message:
 *
 *   Poseidon7(sourceSpn, index, destinationSpn, recipient, sender, value, keccak256(data) mod p)
 *
 * with circomlib's Poseidon over BN254 (p = SNARK_SCALAR_FIELD). SPN ids and the index are uint64,
 * addresses are their 160-bit integers, `value` must be below p (every real amount is), and the data
 * is committed by its keccak256 reduced into the field. Every input is a field element, so the
 * encoding is injective apart from the data-hash reduction (a 254-bit image of a 256-bit hash).
 */
export function exitLeafHash(message: ExitMessage): bigint {
  return exitLeafHashOfDataHash({ ...message, dataHash: keccak256(message.data) })
}

/**
 * `exitLeafHash` from the data's keccak256 instead of the data (what an on-chain verifier has at hand:
 * the SPN Mailbox passes `keccak256(data)` to its exit-proof precompile).
 */
export function exitLeafHashOfDataHash(message: Omit<ExitMessage, 'data'> & { dataHash: Hex }): bigint {
  const sourceSpn = uint64('sourceSpn', message.sourceSpn)
  const index = uint64('index', message.index)
  const destinationSpn = uint64('destinationSpn', message.destinationSpn)
  if (!isAddress(message.recipient, { strict: false }))
    throw new InvalidParameterError({
      param: 'recipient',
      expected: 'a 20-byte address',
      got: message.recipient,
    })
  if (!isAddress(message.sender, { strict: false }))
    throw new InvalidParameterError({ param: 'sender', expected: 'a 20-byte address', got: message.sender })
  if (typeof message.value !== 'bigint' || message.value < 0n || message.value >= SNARK_SCALAR_FIELD)
    throw new InvalidParameterError({
      param: 'value',
      expected: 'a bigint in [0, SNARK_SCALAR_FIELD)',
      got: message.value,
    })
  return poseidon7([
    sourceSpn,
    index,
    destinationSpn,
    hexToBigInt(message.recipient),
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
