import { devAccounts, MAINNET_NETWORK } from '@rollup-mesh/core'
import { readSettlementTip, readSPN, registerSPN, SETTLEMENT_VK_HASH } from '@rollup-mesh/mainnet'
import { createPublicClient, createWalletClient, type Hex, http, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { MeshCliError } from '../errors.js'
import type { SPNRegistration } from './kinds.js'
import { viemChain } from './rpc.js'

/** The bond `mesh up` puts up per SPN: SPNRegistry's default `minBond`. */
export const SPN_BOND = parseEther('1')

/** Dev account index of SPN `n`'s operator: spn1 → 1 … spn9 → 9 (0 is governance); wraps after 9. */
export const operatorIndex = (n: number): number => ((n - 1) % 9) + 1

/**
 * The `settlement` section `mesh up` gives SPN `n` (spn's settlement config):
 * the main net's RPC URL and chain id, and a dev account of its own as
 * operator, so SPNs never race for one nonce on the main net.
 */
export function settlementSection(options: {
  n: number
  mainnetRpcUrl: string
  mainnetChainId: number
  intervalMs?: number | undefined
  previous?: unknown
}): Record<string, unknown> {
  const previous =
    options.previous && typeof options.previous === 'object'
      ? (options.previous as Record<string, unknown>)
      : {}
  return {
    ...previous,
    mainnetRpcUrl: options.mainnetRpcUrl,
    mainnetChainId: options.mainnetChainId,
    operatorKey: previous.operatorKey ?? devAccounts(10)[operatorIndex(options.n)]!.privateKey,
    id: options.n,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
  }
}

export type RegistrationOutcome = {
  network: string
  spnId: string
  registered: boolean
  txHash?: Hex
  /**
   * Already registered, but with other executor measurements than the node's build now reports (the
   * executor changed since the mesh was created): the main net refuses its settlements' quotes
   * (`measurement-not-allowed`).
   */
  staleMeasurement?: { registered: readonly Hex[]; current: Hex }
}

/**
 * Registers each SPN on the main net's SPNRegistry from the governance key
 * (dev account 0, the registry's default owner) with the measurement, dev root
 * and genesis root its node reported. An SPN already registered is skipped, so
 * a restarted mesh resumes settling where it stopped.
 */
export async function registerSPNs(options: {
  mainnetRpcUrl: string
  mainnetChainId: number
  spns: { network: string; chainId: number; registration: SPNRegistration }[]
}): Promise<RegistrationOutcome[]> {
  const chain = viemChain({
    network: MAINNET_NETWORK,
    rpcUrl: options.mainnetRpcUrl,
    chainId: options.mainnetChainId,
  })
  const transport = http(options.mainnetRpcUrl)
  // viem polls receipts every 4 s by default: registration would wait that long per SPN
  const client = createPublicClient({ chain, transport, pollingInterval: 100 })
  const governance = createWalletClient({
    chain,
    transport,
    account: privateKeyToAccount(devAccounts(1)[0]!.privateKey),
  })
  const outcomes: RegistrationOutcome[] = []
  // One after the other: the governance account's nonces stay in order.
  for (const spn of options.spns) {
    const reg = spn.registration
    const spnId = BigInt(reg.spnId)
    const current = await readSPN(client, spnId)
    if (current.status !== 'none') {
      const outcome: RegistrationOutcome = { network: spn.network, spnId: reg.spnId, registered: false }
      const registered = current.measurements.map((m) => m.toLowerCase() as Hex)
      if (!registered.includes(reg.measurement.toLowerCase() as Hex))
        outcome.staleMeasurement = { registered, current: reg.measurement as Hex }
      outcomes.push(outcome)
      continue
    }
    const txHash = await registerSPN(governance, {
      spnId,
      chainId: BigInt(spn.chainId),
      operator: reg.operator as Hex,
      measurements: [reg.measurement as Hex],
      simulatedRoots: [reg.simulatedRoot as Hex],
      vkHash: SETTLEMENT_VK_HASH,
      genesisStateRoot: reg.genesisStateRoot as Hex,
      bond: SPN_BOND,
    })
    const receipt = await client.waitForTransactionReceipt({ hash: txHash, timeout: 30_000 })
    if (receipt.status !== 'success')
      throw new MeshCliError(`Registering ${spn.network} on the main net reverted.`, {
        code: 'REGISTER_FAILED',
        metaMessages: [`- tx ${txHash}`],
      })
    outcomes.push({ network: spn.network, spnId: reg.spnId, registered: true, txHash })
  }
  return outcomes
}

export type SettlementSummary = { count: number; toBlock: number }

/** The main net's settlement tip per numeric SPN id (accepted settlements and the last block they cover). */
export async function readSettlements(options: {
  mainnetRpcUrl: string
  spnIds: bigint[]
}): Promise<Map<bigint, SettlementSummary>> {
  const client = createPublicClient({
    transport: http(options.mainnetRpcUrl, { timeout: 2_000, retryCount: 0 }),
  })
  const tips = await Promise.all(options.spnIds.map((id) => readSettlementTip(client, id)))
  return new Map(
    options.spnIds.map((id, i) => [id, { count: Number(tips[i]!.count), toBlock: Number(tips[i]!.toBlock) }]),
  )
}
