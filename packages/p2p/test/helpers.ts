import {
  type DevAccount,
  devAccounts,
  type ExitBatch,
  type ExitMessage,
  type Hex,
  keccak256,
  numberToHex,
  toHex,
} from '@rollup-mesh/core'
import { privateKeyToAccount } from 'viem/accounts'
import {
  type Block,
  type BlockHeader,
  type SignedHeader,
  type SignedSettlement,
  signHeader,
  signSettlement,
} from '../src/index.js'

export const accounts: DevAccount[] = devAccounts(4)
/** The producer of every test network. */
export const producer = accounts[0] as DevAccount
/** Someone who is not the producer. */
export const mallory = accounts[1] as DevAccount

const h = (label: string, n: bigint): Hex => keccak256(toHex(`${label}:${n}`))

export function unsignedHeader(n: bigint): BlockHeader {
  return {
    number: n,
    parentHash: n === 0n ? (`0x${'00'.repeat(32)}` as Hex) : h('block', n - 1n),
    stateRoot: h('state', n),
    txRoot: h('tx', n),
    receiptsRoot: h('receipts', n),
    exitRoot: h('exit', n),
    timestamp: 1_700_000_000n + n,
    gasLimit: 30_000_000n,
    gasUsed: 21_000n * n,
    baseFee: 1_000_000_000n,
  }
}

export function makeHeader(
  network: string,
  n: bigint,
  key: Hex = producer.privateKey,
): Promise<SignedHeader> {
  return signHeader(network, unsignedHeader(n), key)
}

export function makeSettlement(network: string, key: Hex = producer.privateKey): Promise<SignedSettlement> {
  return signSettlement(
    network,
    {
      spnId: 1n,
      fromBlock: 1n,
      toBlock: 10n,
      prevStateRoot: h('state', 0n),
      newStateRoot: h('state', 10n),
      prevExitRoot: h('exit', 0n),
      newExitRoot: h('exit', 10n),
      leaves: 3n,
      proof: numberToHex(0xabcdefn, { size: 256 }),
      quote: numberToHex(0x1234n, { size: 4096 }),
    },
    key,
  )
}

export async function makeTx(nonce = 0, key: Hex = accounts[2]?.privateKey as Hex): Promise<Hex> {
  const account = privateKeyToAccount(key)
  return account.signTransaction({
    type: 'eip1559',
    chainId: 31337,
    nonce,
    to: accounts[3]?.address,
    value: 1n,
    gas: 21_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1n,
  })
}

export async function makeBlock(network: string, n: bigint, txCount = 2): Promise<Block> {
  const txs: Hex[] = []
  for (let i = 0; i < txCount; i++) txs.push(await makeTx(Number(n) * 10 + i))
  return { header: await makeHeader(network, n), txs }
}

/** The BN254 scalar field (exit-tree nodes are below it). */
export const BN254_P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n

/** A 32-byte word below the BN254 field, derived from a label. */
export const fieldWord = (label: string): Hex => numberToHex(BigInt(h(label, 0n)) % BN254_P, { size: 32 })

/**
 * Closed settlement batch `batch` of SPN `spnId` with `messageCount` messages at the first positions of the
 * batch; batch b covers blocks [10b + 1, 10b + 10]. `dataBytes` sizes each message's data.
 */
export function makeExitBatch(spnId: bigint, batch: bigint, messageCount: number, dataBytes = 4): ExitBatch {
  const startIndex = 16n * batch
  const fromBlock = 10n * batch + 1n
  const messages: ExitMessage[] = []
  for (let i = 0; i < messageCount; i++) {
    const position = startIndex + BigInt(i)
    messages.push({
      position,
      messageIndex: 3n * batch + BigInt(i),
      srcSpn: spnId,
      dstSpn: spnId === 2n ? 1n : 2n,
      sender: accounts[2]?.address.toLowerCase() as Hex,
      to: accounts[3]?.address.toLowerCase() as Hex,
      value: BigInt(i) * 10n ** 18n,
      data: numberToHex(position + 1n, { size: dataBytes }),
      block: fromBlock + BigInt(Math.floor(i / 4)),
      txHash: h(`tx-${spnId}`, position),
    })
  }
  return {
    spnId,
    batch,
    fromBlock,
    toBlock: fromBlock + 9n,
    startIndex,
    startFrontier: Array.from({ length: 24 }, (_, i) => fieldWord(`frontier-${spnId}-${batch}-${i}`)),
    messages,
  }
}

export async function waitFor(
  what: string,
  fn: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await fn()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}
