/**
 * Hex, bytes and address helpers: viem's, re-exported so every package uses
 * one implementation (no hand-written hex codecs in rollup-mesh). keccak256
 * is core's own (./keccak.ts), a faster drop-in for viem's.
 */
export {
  type Address,
  bytesToBigInt,
  bytesToHex,
  concat,
  concatHex,
  getAddress,
  type Hash,
  type Hex,
  hexToBigInt,
  hexToBytes,
  hexToNumber,
  isAddress,
  isAddressEqual,
  isHex,
  numberToHex,
  pad,
  padHex,
  sha256,
  size,
  slice,
  sliceHex,
  toBytes,
  toHex,
  zeroAddress,
  zeroHash,
} from 'viem'
export { keccak256 } from './keccak.js'
