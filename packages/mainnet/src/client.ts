import type { Groth16Proof } from '@rollup-mesh/core'
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import {
  type Account,
  type Address,
  type Chain,
  ContractFunctionRevertedError,
  encodeFunctionData,
  type Hash,
  type Hex,
  isHex,
  type PublicClient,
  parseEventLogs,
  type TransactionReceipt,
  type Transport,
  BaseError as ViemBaseError,
  type WalletClient,
} from 'viem'
import { mailboxAbi, settlementAbi, spnRegistryAbi } from './contracts.generated.js'
import { SettlementRejectedError } from './errors.js'
import {
  encodeGroth16Proof,
  encodeSettlementHeader,
  publicSignalsToUint,
  type SettlementHeader,
} from './header.js'

/** The system contracts as viem `{ address, abi }` pairs (for `getContract`, `readContract`, `watchContractEvent`). */
export const mainnetContracts = {
  spnRegistry: { address: SYSTEM_ADDRESSES.mainnet.spnRegistry, abi: spnRegistryAbi },
  settlement: { address: SYSTEM_ADDRESSES.mainnet.settlement, abi: settlementAbi },
  mailbox: { address: SYSTEM_ADDRESSES.mainnet.mailbox, abi: mailboxAbi },
} as const

type Reader = Pick<PublicClient, 'readContract'>
type Caller = Pick<PublicClient, 'call'>
type Wallet = WalletClient<Transport, Chain | undefined, Account>

export type SubmitSettlementArgs = {
  header: SettlementHeader | Hex
  /** snarkjs' proof (encoded with `encodeGroth16Proof`) or the 256 encoded bytes. */
  proof: Groth16Proof['proof'] | Hex
  /** snarkjs' decimal strings or the five numbers. */
  publicSignals: readonly string[] | readonly bigint[]
  /** The enclave's quote over `settlementReportData(header)`. */
  quote: Hex | Uint8Array
}

/** `Settlement.submit` calldata. */
export function encodeSubmitSettlement(args: SubmitSettlementArgs): Hex {
  const header = typeof args.header === 'string' ? args.header : encodeSettlementHeader(args.header)
  const proof = typeof args.proof === 'string' ? args.proof : encodeGroth16Proof(args.proof)
  const signals =
    typeof args.publicSignals[0] === 'string'
      ? publicSignalsToUint(args.publicSignals as readonly string[])
      : (args.publicSignals as readonly bigint[] as readonly [bigint, bigint, bigint, bigint, bigint])
  const quote =
    typeof args.quote === 'string' ? args.quote : (`0x${Buffer.from(args.quote).toString('hex')}` as Hex)
  return encodeFunctionData({
    abi: settlementAbi,
    functionName: 'submit',
    args: [header, proof, signals, quote],
  })
}

/** The revert reason of a failed contract call or estimate (viem error), if there is one. */
export function revertReasonOf(error: unknown): string | undefined {
  if (!(error instanceof ViemBaseError)) return undefined
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
  if (reverted instanceof ContractFunctionRevertedError && reverted.reason) return reverted.reason
  const withData = error.walk((e) => typeof (e as { data?: unknown }).data === 'string') as {
    data?: unknown
  } | null
  const data = withData?.data
  if (typeof data === 'string' && isHex(data) && data.startsWith('0x08c379a0')) {
    try {
      const reason = new ContractFunctionRevertedError({ abi: settlementAbi, data, functionName: 'submit' })
        .reason
      if (reason) return reason
    } catch {
      // not an Error(string)
    }
  }
  const match = /execution reverted: (.*)$/m.exec(error.details ?? error.shortMessage)
  return match?.[1]
}

/**
 * Runs `submit` as an `eth_call` from `from` (the operator): `{ ok: true }` when the main net would accept
 * the settlement now, else the contract's reason (`Settlement: …`).
 */
export async function checkSettlement(
  client: Caller,
  from: Address,
  args: SubmitSettlementArgs,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await client.call({
      account: from,
      to: SYSTEM_ADDRESSES.mainnet.settlement,
      data: encodeSubmitSettlement(args),
    })
    return { ok: true }
  } catch (error) {
    const reason = revertReasonOf(error)
    if (reason === undefined) throw error
    return { ok: false, reason }
  }
}

/**
 * Submits a settlement from the wallet's account (the SPN operator). Without `gas`, viem estimates it and a
 * rejection throws `SettlementRejectedError` with the contract's reason before anything is sent; with
 * `gas`, the transaction is sent as is (a rejection is then a reverted receipt).
 */
export async function submitSettlement(
  wallet: Wallet,
  args: SubmitSettlementArgs & { gas?: bigint },
): Promise<Hash> {
  const data = encodeSubmitSettlement(args)
  try {
    return await wallet.sendTransaction({
      account: wallet.account,
      chain: wallet.chain ?? null,
      to: SYSTEM_ADDRESSES.mainnet.settlement,
      data,
      ...(args.gas !== undefined ? { gas: args.gas } : {}),
    })
  } catch (error) {
    const reason = revertReasonOf(error)
    if (reason !== undefined) throw new SettlementRejectedError(reason, { cause: error as Error })
    throw error
  }
}

export type SettlementAccepted = {
  spnId: bigint
  settlementIndex: bigint
  headerHash: Hash
  fromBlock: bigint
  toBlock: bigint
  newStateRoot: Hash
  newExitRoot: Hash
  startIndex: bigint
  leafCount: bigint
  simulatedTee: boolean
}

/** The `SettlementAccepted` events of a receipt (empty when the settlement was rejected). */
export function settlementAcceptedEvents(receipt: Pick<TransactionReceipt, 'logs'>): SettlementAccepted[] {
  return parseEventLogs({ abi: settlementAbi, eventName: 'SettlementAccepted', logs: receipt.logs })
    .filter((l) => l.address.toLowerCase() === SYSTEM_ADDRESSES.mainnet.settlement)
    .map((l) => l.args)
}

export type RegisterSPNArgs = {
  spnId: bigint
  chainId: bigint
  operator: Address
  /** Allowed enclave measurements (32-byte mr_enclave / 48-byte mr_td). */
  measurements: readonly (Hex | Uint8Array)[]
  /** DER dev roots of simulated enclaves (`enclave.rootCertificateDer`); empty = hardware only. */
  simulatedRoots?: readonly (Hex | Uint8Array)[]
  /** Default the committed settlement circuit's key (`SETTLEMENT_VK_HASH`). */
  vkHash: Hash
  genesisStateRoot: Hash
  /** Wei sent as the bond (≥ `SPNRegistry.minBond`). */
  bond: bigint
}

const toHex = (v: Hex | Uint8Array): Hex =>
  typeof v === 'string' ? v : (`0x${Buffer.from(v).toString('hex')}` as Hex)

/** `SPNRegistry.register` from the governance key (the registry's owner). */
export async function registerSPN(wallet: Wallet, args: RegisterSPNArgs): Promise<Hash> {
  return wallet.writeContract({
    account: wallet.account,
    chain: wallet.chain ?? null,
    ...mainnetContracts.spnRegistry,
    functionName: 'register',
    args: [
      args.spnId,
      args.chainId,
      args.operator,
      args.measurements.map(toHex),
      (args.simulatedRoots ?? []).map(toHex),
      args.vkHash,
      args.genesisStateRoot,
    ],
    value: args.bond,
  })
}

/** `SPNRegistry.deregister` from the governance key: no more settlements; the bond goes back to the operator. */
export async function deregisterSPN(wallet: Wallet, spnId: bigint): Promise<Hash> {
  return wallet.writeContract({
    account: wallet.account,
    chain: wallet.chain ?? null,
    ...mainnetContracts.spnRegistry,
    functionName: 'deregister',
    args: [spnId],
  })
}

export const SPN_STATUS = ['none', 'active', 'deregistered'] as const

export type RegisteredSPN = {
  spnId: bigint
  chainId: bigint
  operator: Address
  status: (typeof SPN_STATUS)[number]
  vkHash: Hash
  genesisStateRoot: Hash
  bond: bigint
  measurements: readonly Hex[]
  simulatedRoots: readonly Hex[]
}

export async function readSPN(client: Reader, spnId: bigint): Promise<RegisteredSPN> {
  const [chainId, operator, status, vkHash, genesisStateRoot, bond, measurements, simulatedRoots] =
    await client.readContract({ ...mainnetContracts.spnRegistry, functionName: 'getSPN', args: [spnId] })
  return {
    spnId,
    chainId,
    operator,
    status: SPN_STATUS[status] ?? 'none',
    vkHash,
    genesisStateRoot,
    bond,
    measurements,
    simulatedRoots,
  }
}

export type SettlementTip = {
  /** Settlements accepted so far (0: none; the fields are then what the first must extend). */
  count: bigint
  toBlock: bigint
  nextStartIndex: bigint
  stateRoot: Hash
  exitRoot: Hash
  headerHash: Hash
}

/** What the next settlement of `spnId` must extend: `fromBlock = toBlock + 1`, its roots, `startIndex`. */
export async function readSettlementTip(client: Reader, spnId: bigint): Promise<SettlementTip> {
  const [count, toBlock, nextStartIndex, stateRoot, exitRoot, headerHash] = await client.readContract({
    ...mainnetContracts.settlement,
    functionName: 'tipOf',
    args: [spnId],
  })
  return { count, toBlock, nextStartIndex, stateRoot, exitRoot, headerHash }
}

/** The Mailbox's view of an SPN: newest finalized exit root, next leaf index, accepted settlements. */
export async function readMailbox(
  client: Reader,
  spnId: bigint,
): Promise<{ latestExitRoot: Hash; nextLeafIndex: bigint; settlementCount: bigint }> {
  const [latestExitRoot, nextLeafIndex, settlementCount] = await Promise.all([
    client.readContract({ ...mainnetContracts.mailbox, functionName: 'latestExitRoot', args: [spnId] }),
    client.readContract({ ...mainnetContracts.mailbox, functionName: 'nextLeafIndex', args: [spnId] }),
    client.readContract({ ...mainnetContracts.mailbox, functionName: 'settlementCount', args: [spnId] }),
  ])
  return { latestExitRoot, nextLeafIndex, settlementCount }
}

/** Where an exit root of `spnId` was finalized (`undefined` when it is not). */
export async function readFinalizedExitRoot(
  client: Reader,
  spnId: bigint,
  exitRoot: Hash,
): Promise<{ settlementIndex: bigint; blockNumber: bigint; toBlock: bigint } | undefined> {
  const [settlementIndex, blockNumber, toBlock] = await client.readContract({
    ...mainnetContracts.mailbox,
    functionName: 'finalizedAt',
    args: [spnId, exitRoot],
  })
  return settlementIndex === 0n ? undefined : { settlementIndex, blockNumber, toBlock }
}
