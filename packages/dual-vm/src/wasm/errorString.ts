import { concatHex, encodeAbiParameters, type Hex, hexToBytes } from 'viem'

const ERROR_SELECTOR: Hex = '0x08c379a0'

/** Solidity's `Error(string)` revert data for `reason`. */
export function encodeErrorString(reason: string): Uint8Array {
  return hexToBytes(concatHex([ERROR_SELECTOR, encodeAbiParameters([{ type: 'string' }], [reason])]))
}
