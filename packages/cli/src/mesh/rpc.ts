import { type Chain, defineChain } from 'viem'
import { NodeRpcError, NodeUnreachableError } from '../errors.js'
import { findNetwork, readState } from './state.js'

export type RPCTarget = { network: string; rpcUrl: string; wsUrl?: string | undefined; chainId: number }

/**
 * One JSON-RPC request with a timeout; throws `NodeUnreachableError` (NODE_UNREACHABLE) when nothing
 * answers, `NodeRpcError` (RPC_ERROR) when the node answers with an error.
 */
export async function rpcRequest<T = unknown>(
  target: { network: string; rpcUrl: string },
  method: string,
  params: unknown[] = [],
  timeoutMs = 3_000,
): Promise<T> {
  let res: Response
  try {
    res = await fetch(target.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    throw new NodeUnreachableError(target.network, target.rpcUrl, (err as Error).cause ?? err)
  }
  let body: { result?: T; error?: { message: string; code?: number } }
  try {
    body = (await res.json()) as typeof body
  } catch {
    throw new NodeRpcError(target.network, method, `HTTP ${res.status} with a body that is not JSON`)
  }
  if (body.error) throw new NodeRpcError(target.network, method, body.error.message, body.error.code)
  return body.result as T
}

/**
 * The RPC endpoint of `network` in the mesh at `dataDir` (or `rpcUrl` as
 * given), checked to answer: an unknown name lists the known ones, a node
 * that does not answer says how to start it.
 */
export async function resolveTarget(options: {
  network?: string | undefined
  rpcUrl?: string | undefined
  dataDir: string
}): Promise<RPCTarget> {
  if (options.rpcUrl) {
    const network = options.network ?? options.rpcUrl
    const chainId = Number(await rpcRequest<string>({ network, rpcUrl: options.rpcUrl }, 'eth_chainId'))
    return { network, rpcUrl: options.rpcUrl, chainId }
  }
  const state = readState(options.dataDir)
  const net = findNetwork(state, options.network ?? 'spn1')
  const chainId = Number(await rpcRequest<string>({ network: net.name, rpcUrl: net.rpcUrl }, 'eth_chainId'))
  return { network: net.name, rpcUrl: net.rpcUrl, wsUrl: net.wsUrl, chainId }
}

export function viemChain(target: RPCTarget): Chain {
  return defineChain({
    id: target.chainId,
    name: target.network,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: {
      default: { http: [target.rpcUrl], ...(target.wsUrl ? { webSocket: [target.wsUrl] } : {}) },
    },
  })
}
