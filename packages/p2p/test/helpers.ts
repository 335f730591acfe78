import { type DevAccount, devAccounts, type Hex, keccak256, numberToHex, toHex } from '@rollup-mesh/core'
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
