/**
 * The token-transfer benchmark row (`bench:dual-vm`'s first row, and `bench/erc20Driver.ts`): deploy a
 * token, give every sender tokens, warm up, then time `txs` transfers, each to a fresh recipient.
 */
import type { Abi, Hex } from 'viem'
import { encodeDeployData, encodeFunctionData, numberToHex } from 'viem'
import type { EvmEngine } from '../src/index.js'
import type { WasmEngine } from '../src/wasm/types.js'
import { blocksOf, createBenchChain, measure, type Row, SENDERS, senders } from './benchChain.js'

export type TokenArtifact = { abi: Abi; bytecode: Hex; wasm?: WasmEngine }

/** A workload over a contract with the example token's deployment: its constructor args and its calls. */
export type TokenWorkload = {
  deployArgs: readonly unknown[]
  /** The calldata of the j-th timed or warm-up transaction (`offset` separates the two). */
  call: (abi: Abi, j: number, offset: number) => Hex
  gas: bigint
  /** Whether every sender first receives tokens from the deployer. */
  fund: boolean
}

/** Every transfer goes to a fresh recipient: a zero-to-non-zero balance store, the expensive case. */
export const TOKEN_TRANSFER: TokenWorkload = {
  deployArgs: ['Token', 'TKN', 10n ** 30n],
  call: (abi, j, offset) =>
    encodeFunctionData({ abi, functionName: 'transfer', args: [numberToHex(offset + j, { size: 20 }), 1n] }),
  gas: 100_000n,
  fund: true,
}

/** Around the timed blocks (e.g. a CPU profile of them only). */
export type TimedHooks = { before?: () => Promise<void>; after?: () => Promise<void> }

/**
 * `shape` against `token` (Solidity, or WASM with `token.wasm`) on `engine`: setup and `warmup`
 * transactions untimed, then `txs` timed, in blocks of 500. The fast engine must run every transaction itself.
 */
export async function benchToken(
  workload: string,
  token: TokenArtifact,
  engine: EvmEngine,
  options: { txs: number; warmup: number; shape?: TokenWorkload; hooks?: TimedHooks },
): Promise<Row> {
  const shape = options.shape ?? TOKEN_TRANSFER
  const chain = createBenchChain({ wasm: token.wasm, evm: engine }, workload)
  const owner = senders[0] as (typeof senders)[number]
  const data = encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: shape.deployArgs })
  const deployed = await chain.run([chain.tx({ from: owner, to: null, data, gas: 15_000_000n })])
  const address = deployed.receipts[0]?.contractAddress as (typeof senders)[number]
  if (shape.fund) {
    const transfer = (to: string) =>
      encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, 10n ** 24n] })
    await chain.run(
      senders.slice(1).map((s) => chain.tx({ from: owner, to: address, data: transfer(s), gas: 200_000n })),
    )
  }
  const blocks = (total: number, offset: number) =>
    blocksOf(chain, total, (j) => ({
      from: senders[j % SENDERS] as (typeof senders)[number],
      to: address,
      data: shape.call(token.abi, j, offset),
      gas: shape.gas,
    }))
  // Warm-up (JIT, caches), not timed.
  await measure('warm-up', engine, blocks(options.warmup, 0x100000), chain.run)
  const timed = blocks(options.txs, 0x200000)
  await options.hooks?.before?.()
  const row = await measure(workload, engine, timed, chain.run)
  await options.hooks?.after?.()
  if (engine === 'fast' && chain.executor.evmStats.fallback > 0)
    throw new Error(
      `${workload}: the fast engine fell back on ${chain.executor.evmStats.fallback} transactions`,
    )
  return row
}
