/**
 * One network of the mesh as the explorer discovers it (`/mesh.json`): where to reach its node. Everything
 * else (heights, blocks, settlements, messages) the page reads from the node's JSON-RPC and WebSocket.
 */
export type ExplorerEndpoint = {
  /** `mainnet`, `spn1`, … */
  name: string
  kind: 'mainnet' | 'spn'
  chainId: number
  vms: string[]
  role?: string | undefined
  rpcUrl: string
  wsUrl: string
  /** System contracts the node reported (name → address). */
  contracts?: Record<string, string> | undefined
}

/** The body of `/mesh.json`. */
export type MeshDiscovery = { version: 1; networks: ExplorerEndpoint[] }
