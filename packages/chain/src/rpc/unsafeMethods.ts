import { RPCError, RPCErrorCode } from '../errors.js'
import { hostNameOf } from './hostPolicy.js'

/** Methods that sign with the node's keys or change state without a signature, by exact name. */
export const UNSAFE_METHODS: readonly string[] = ['eth_sendTransaction', 'eth_sendUnsignedTransaction']

/**
 * Prefixes of such methods: `eth_sign` (`eth_sign`, `eth_signTransaction`, `eth_signTypedData*`), the
 * wallet namespace `personal_`, the dev-node namespaces `anvil_`, `evm_`, `hardhat_`, `ganache_`
 * (impersonation, balance/storage/code setters, mining, time travel, snapshots) and the node-admin ones
 * `admin_`, `miner_`.
 */
export const UNSAFE_METHOD_PREFIXES: readonly string[] = [
  'eth_sign',
  'personal_',
  'anvil_',
  'evm_',
  'hardhat_',
  'ganache_',
  'admin_',
  'miner_',
]

/**
 * Whether a JSON-RPC method signs or changes state without a signature: such a method answers only on a
 * dev network and, when the RPC is bound to a non-loopback address, only with `rpc.allowUnsafe`.
 *
 * @example
 * ```ts
 * import { isUnsafeMethod } from '@rollup-mesh/chain'
 *
 * isUnsafeMethod('eth_sendTransaction') // true
 * isUnsafeMethod('anvil_setBalance') // true
 * isUnsafeMethod('eth_sendRawTransaction') // false: signed by the sender
 * ```
 */
export function isUnsafeMethod(method: string): boolean {
  return UNSAFE_METHODS.includes(method) || UNSAFE_METHOD_PREFIXES.some((p) => method.startsWith(p))
}

/** Whether a bind address is reachable from this machine only (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const name = hostNameOf(host)
  if (name === undefined) return false
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

/** Whether the unsafe methods answer, and why not when they do not. */
export type UnsafeMethodsPolicy = {
  readonly exposed: boolean
  /** Why they are refused (absent when exposed). */
  readonly refusal?: string
  /** What to do to expose them (absent when exposed, or when nothing may). */
  readonly remedy?: string
}

/**
 * Decides whether the unsafe methods answer: on a dev network (`dev`), bound to a loopback address or
 * with the explicit `allowUnsafe` (`--rpc-allow-unsafe`).
 *
 * @example
 * ```ts
 * import { unsafeMethodsPolicy } from '@rollup-mesh/chain'
 *
 * unsafeMethodsPolicy({ dev: true, host: '127.0.0.1' }).exposed // true
 * unsafeMethodsPolicy({ dev: true, host: '0.0.0.0' }).exposed // false
 * unsafeMethodsPolicy({ dev: true, host: '0.0.0.0', allowUnsafe: true }).exposed // true
 * unsafeMethodsPolicy({ dev: false, host: '127.0.0.1', allowUnsafe: true }).exposed // false
 * ```
 */
export function unsafeMethodsPolicy(init: {
  dev: boolean
  host: string
  allowUnsafe?: boolean | undefined
}): UnsafeMethodsPolicy {
  if (!init.dev)
    return {
      exposed: false,
      refusal: 'this is not a dev network (config dev: false): the node signs nothing for anyone',
      remedy: 'sign in your wallet and send the signed transaction with eth_sendRawTransaction',
    }
  if (!isLoopbackHost(init.host) && !init.allowUnsafe)
    return {
      exposed: false,
      refusal: `the RPC is bound to ${init.host}, not a loopback address, so anyone who can reach it could use the node's dev keys`,
      remedy:
        'restart the node with --rpc-allow-unsafe (rpc.allowUnsafe: true) to expose them anyway, or bind the RPC to 127.0.0.1',
    }
  return { exposed: true }
}

/** The JSON-RPC error an unsafe method answers with while the policy refuses it. */
export function unsafeMethodRefused(method: string, policy: UnsafeMethodsPolicy): RPCError {
  return new RPCError(
    RPCErrorCode.methodNotFound,
    `the method ${method} is not available: it signs or changes state without a signature, and ${policy.refusal ?? 'it is disabled'}${policy.remedy ? `; ${policy.remedy}` : ''}`,
    { code: 'RPC_UNSAFE_METHOD_REFUSED', name: 'UnsafeMethodRefusedError' },
  )
}
