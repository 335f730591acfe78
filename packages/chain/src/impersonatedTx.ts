import type { Address, Hex, TransactionSerializable } from 'viem'
import { numberToHex, serializeTransaction } from 'viem'
import { parseSignedTx, type SignedTx } from './tx.js'

/**
 * The placeholder signature of an impersonated transaction: `r` = 2^160 + the sender's address, `s` = 1. It
 * recovers no key of the sender; the node takes the sender as given (never from recovery). Putting the
 * sender in `r` keeps the hash (`keccak256(raw)`) distinct for two senders sending the same fields.
 */
export function impersonationSignature(from: Address): { r: Hex; s: Hex; yParity: 0 } {
  return {
    r: numberToHex((1n << 160n) | BigInt(from), { size: 32 }),
    s: numberToHex(1n, { size: 32 }),
    yParity: 0,
  }
}

/**
 * An unsigned transaction sent as `from` (anvil's `anvil_impersonateAccount`), with its sender set: a normal
 * legacy / EIP-2930 / EIP-1559 encoding carrying `impersonationSignature(from)`, so the pool, the executors
 * and the store run, keep and read it back like any transaction from `from` (nonce, gas and fees charged;
 * `impersonated` lifts EIP-3607 only, so a contract account may send, as on anvil).
 * Only the dev-network `eth_sendTransaction` path builds one; a raw transaction with such a signature
 * arriving over `eth_sendRawTransaction` goes through sender recovery like any other.
 *
 * @example
 * ```ts
 * import { impersonatedTx } from '@rollup-mesh/chain'
 *
 * const tx = impersonatedTx({ type: 'eip1559', chainId: 31337, nonce: 0, to: bob, value: 1n, gas: 21_000n,
 *   maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n }, whale, 31337n)
 * chain.mempool.insert(tx) // validated against `whale`'s nonce and balance
 * await chain.mempool.flush() // persisted with its sender; mined as a transfer from `whale`
 * ```
 */
export function impersonatedTx(unsigned: TransactionSerializable, from: Address, chainId: bigint): SignedTx {
  const sig = impersonationSignature(from)
  const signature =
    unsigned.type === 'legacy' ? { ...sig, v: chainId * 2n + 35n } : { r: sig.r, s: sig.s, yParity: 0 }
  const raw = serializeTransaction(unsigned, signature)
  return { ...parseSignedTx(raw, chainId).tx, from: from.toLowerCase() as Address, impersonated: true }
}

/**
 * Whether a transaction read back with its stored sender carries that sender's impersonation signature
 * (the pool marks such transactions again after a restart). A recovered sender can never match: `r` would
 * have to encode the very address the signature recovers to.
 */
export function isImpersonated(tx: Pick<SignedTx, 'r' | 's' | 'from'>): boolean {
  const sig = impersonationSignature(tx.from)
  return BigInt(tx.r) === BigInt(sig.r) && BigInt(tx.s) === 1n
}
