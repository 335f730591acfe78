/**
 * Shared by the example scripts: finds a network of the running mesh and
 * returns viem clients for it, signing with dev account 0.
 *
 * The RPC URL comes from `MESH_RPC_URL`, or from the state file `mesh up`
 * writes (`.mesh/mesh.json`, or `$MESH_DATA_DIR/mesh.json`) for `--network`
 * (default spn1).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { devAccounts } from '@rollup-mesh/core'
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
  webSocket,
} from 'viem'
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'

type MeshState = { networks: { name: string; chainId: number; rpcUrl: string; wsUrl: string }[] }

/** `--network <name>` (default spn1), `--count <n>`, `--dst <name>`, `--data <hex>`, `--out <file>`, positionals. */
export function cliArgs() {
  return parseArgs({
    options: {
      network: { type: 'string', default: 'spn1' },
      count: { type: 'string' },
      dst: { type: 'string', default: 'spn2' },
      data: { type: 'string', default: '0x' },
      out: { type: 'string' },
    },
    allowPositionals: true,
  })
}

/** A `mesh_*` JSON-RPC method of a node (viem's `request` types only the `eth_*` ones). */
export async function meshRequest<T>(
  client: PublicClient,
  method: string,
  params: unknown[] = [],
): Promise<T> {
  return (await client.request({
    method: method as 'eth_chainId',
    params: params as unknown as undefined,
  })) as T
}

function findState(): MeshState {
  const candidates = process.env.MESH_DATA_DIR
    ? [process.env.MESH_DATA_DIR]
    : [resolve('.mesh'), resolve('..', '.mesh')]
  for (const dir of candidates) {
    const file = join(dir, 'mesh.json')
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as MeshState
  }
  throw new Error(`No running mesh found (looked in ${candidates.join(', ')}). Start one with \`mesh up\`.`)
}

export type MeshClients = {
  chain: Chain
  account: PrivateKeyAccount
  publicClient: PublicClient
  walletClient: WalletClient<Transport, Chain, PrivateKeyAccount>
  wsClient: PublicClient | undefined
}

export async function connect(network = 'spn1'): Promise<MeshClients> {
  let rpcUrl = process.env.MESH_RPC_URL
  let wsUrl = process.env.MESH_WS_URL
  let chainId: number
  if (rpcUrl) {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    })
    chainId = Number(((await res.json()) as { result: string }).result)
  } else {
    const net = findState().networks.find((n) => n.name === network)
    if (!net) throw new Error(`The mesh has no network "${network}".`)
    rpcUrl = net.rpcUrl
    wsUrl = net.wsUrl
    chainId = net.chainId
  }
  const chain = defineChain({
    id: chainId,
    name: network,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl], ...(wsUrl ? { webSocket: [wsUrl] } : {}) } },
  })
  const account = privateKeyToAccount(devAccounts(1)[0]!.privateKey)
  return {
    chain,
    account,
    publicClient: createPublicClient({ chain, transport: http(rpcUrl) }) as PublicClient,
    walletClient: createWalletClient({ chain, transport: http(rpcUrl), account }),
    wsClient: wsUrl
      ? (createPublicClient({ chain, transport: webSocket(wsUrl) }) as PublicClient)
      : undefined,
  }
}
