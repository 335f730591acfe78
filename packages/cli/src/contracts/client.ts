import {
  type AbiFunction,
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  type PublicClient,
  type WalletClient,
} from 'viem'
import { MeshCliError } from '../errors.js'
import { type RPCTarget, viemChain } from '../mesh/rpc.js'
import type { Artifact } from './compile.js'
import { explainCallError } from './errors.js'

export function clientsFor(
  target: RPCTarget,
  account?: Account,
): { publicClient: PublicClient; walletClient: WalletClient | undefined; chain: Chain } {
  const chain = viemChain(target)
  const transport = http(target.rpcUrl, { retryCount: 0, timeout: 30_000 })
  const publicClient = createPublicClient({ chain, transport }) as PublicClient
  const walletClient = account ? createWalletClient({ chain, transport, account }) : undefined
  return { publicClient, walletClient, chain }
}

export type TxResult = {
  network: string
  txHash: Hex
  status: 'success' | 'reverted'
  gasUsed: bigint
  blockNumber: bigint
  from: Address
  to?: Address | undefined
  contractAddress?: Address | undefined
  logs: { address: Address; topics: Hex[]; data: Hex }[]
}

/** Estimates gas (+20% and 10k), sends from `account`, and waits for the receipt (100 ms polling). */
export async function sendAndWait(
  target: RPCTarget,
  account: Account,
  tx: { to?: Address; data: Hex; value?: bigint },
  what: string,
): Promise<TxResult> {
  const { publicClient, walletClient } = clientsFor(target, account)
  let gas: bigint
  try {
    gas = await publicClient.estimateGas({ account, ...tx })
  } catch (err) {
    throw explainCallError(err, what)
  }
  let hash: Hex
  try {
    hash = await walletClient!.sendTransaction({
      ...tx,
      account,
      gas: (gas * 12n) / 10n + 10_000n,
      chain: null,
    })
  } catch (err) {
    throw explainCallError(err, what)
  }
  const receipt = await publicClient.waitForTransactionReceipt({
    hash,
    pollingInterval: 100,
    timeout: 60_000,
  })
  return {
    network: target.network,
    txHash: hash,
    status: receipt.status,
    gasUsed: receipt.gasUsed,
    blockNumber: receipt.blockNumber,
    from: account.address,
    to: receipt.to ?? undefined,
    contractAddress: receipt.contractAddress ? getAddress(receipt.contractAddress) : undefined,
    logs: receipt.logs.map((l) => ({ address: l.address, topics: l.topics as Hex[], data: l.data })),
  }
}

/** Deploys `artifact` (EVM init code or a WASM envelope; constructor args appended the same way). */
export async function deployArtifact(
  target: RPCTarget,
  artifact: Artifact,
  args: unknown[],
  account: Account,
  value?: bigint,
): Promise<TxResult & { address: Address }> {
  const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args })
  const result = await sendAndWait(
    target,
    account,
    { data, ...(value ? { value } : {}) },
    `Deploying ${artifact.name}`,
  )
  if (result.status !== 'success' || !result.contractAddress)
    throw new MeshCliError(
      `Deploying ${artifact.name} failed in block ${result.blockNumber} (tx ${result.txHash}).`,
      {
        code: 'DEPLOY_FAILED',
      },
    )
  return { ...result, address: result.contractAddress }
}

/** `eth_call` of one function; returns the decoded result (or raw hex when the outputs are unknown). */
export async function callFunction(
  target: RPCTarget,
  address: Address,
  fn: AbiFunction,
  args: unknown[],
  from?: Address,
): Promise<{ raw: Hex; decoded: unknown }> {
  const { publicClient } = clientsFor(target)
  const data = encodeFunctionData({ abi: [fn], args })
  let raw: Hex
  try {
    const res = await publicClient.call({ to: address, data, ...(from ? { account: from } : {}) })
    raw = res.data ?? '0x'
  } catch (err) {
    throw explainCallError(err, `Call to ${fn.name}`)
  }
  if (fn.outputs.length === 0 || raw === '0x') return { raw, decoded: undefined }
  return { raw, decoded: decodeFunctionResult({ abi: [fn], data: raw }) }
}

/** Sends a transaction calling `fn`; a revert (seen while estimating gas) is an error with its reason. */
export function sendFunction(
  target: RPCTarget,
  address: Address,
  fn: AbiFunction,
  args: unknown[],
  account: Account,
  value?: bigint,
): Promise<TxResult> {
  const data = encodeFunctionData({ abi: [fn], args })
  return sendAndWait(
    target,
    account,
    { to: address, data, ...(value ? { value } : {}) },
    `Transaction ${fn.name}`,
  )
}

/** Formats a decoded value for people (bigints as decimal, arrays/tuples as JSON). */
export function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return value
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
}
