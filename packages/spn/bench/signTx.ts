/**
 * Signs the benchmark's pre-signed transactions with the native secp256k1 binding: tens of thousands of
 * signatures before a run would take viem's pure-JS signer minutes on this machine.
 */
import { createRequire } from 'node:module'
import {
  bytesToHex,
  type Hex,
  hexToBytes,
  keccak256,
  serializeTransaction,
  type TransactionSerializableEIP1559,
} from 'viem'

const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
}

/**
 * The signed, serialized transaction (`eth_sendRawTransaction`'s argument).
 *
 * @example
 * ```ts
 * import { keccak256 } from 'viem'
 * const raw = signTx({ type: 'eip1559', chainId: 1, nonce: 0, gas: 21_000n, maxFeePerGas: 1n, to: '0x0000000000000000000000000000000000000001' }, keccak256('0x01'))
 * keccak256(raw) // the transaction hash
 * ```
 */
export function signTx(tx: TransactionSerializableEIP1559, key: Hex): Hex {
  const { signature, recid } = secp.ecdsaSign(
    hexToBytes(keccak256(serializeTransaction(tx))),
    hexToBytes(key),
  )
  return serializeTransaction(tx, {
    r: bytesToHex(signature.subarray(0, 32)),
    s: bytesToHex(signature.subarray(32)),
    yParity: recid,
  })
}
