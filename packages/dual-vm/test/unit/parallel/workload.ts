import { fileURLToPath } from 'node:url'
import type { BlockContext, ExecutableTx } from '@rollup-mesh/core'
import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  numberToHex,
  parseEther,
} from 'viem'
import {
  compileSolidityFile,
  createMemoryState,
  createSerialExecutor,
  type MemoryState,
} from '../../../src/index.js'

/** Random-block workloads shared by the parallel tests and bench/parallel.ts. */

export const COINBASE: Address = '0x00000000000000000000000000000000c0ffee00'
export const BASE_FEE = 1_000_000_000n
const EXAMPLES = fileURLToPath(new URL('../../../../../examples/contracts/', import.meta.url))

export type Compiled = { abi: Abi; bytecode: Hex }

export async function compileExamples(): Promise<{ token: Compiled; counter: Compiled }> {
  const [token, counter] = await Promise.all([
    compileSolidityFile(`${EXAMPLES}Token.sol`),
    compileSolidityFile(`${EXAMPLES}Counter.sol`),
  ])
  const t = token.contracts.Token
  const c = counter.contracts.Counter
  if (!t || !c) throw new Error('examples did not compile')
  return { token: { abi: t.abi, bytecode: t.bytecode }, counter: { abi: c.abi, bytecode: c.bytecode } }
}

export function header(number: bigint, gasLimit = 1_000_000_000n): BlockContext {
  return {
    number,
    timestamp: 1_700_000_000n + number,
    coinbase: COINBASE,
    baseFeePerGas: BASE_FEE,
    gasLimit,
    chainId: 31_337n,
    prevRandao: numberToHex(number, { size: 32 }),
    recentHashes: [keccak256(numberToHex(number - 1n))],
  }
}

let hashCounter = 0
export function makeTx(fields: Partial<ExecutableTx> & { from: Address; nonce: bigint }): ExecutableTx {
  return {
    hash: keccak256(numberToHex(++hashCounter, { size: 32 })),
    type: 'eip1559',
    to: null,
    value: 0n,
    data: '0x',
    gas: 200_000n,
    maxFeePerGas: 2n * BASE_FEE,
    maxPriorityFeePerGas: 1_000_000n,
    ...fields,
  }
}

export const senderAddress = (i: number): Address => numberToHex(0x5e0000 + i, { size: 20 }) as Address

/** A chain: funded senders, one token (each sender holds some), `counters` counters. */
export class Workload {
  readonly state: MemoryState
  readonly senders: Address[]
  readonly nonces = new Map<Address, bigint>()
  token: Address = '0x'
  counters: Address[] = []
  number = 1n
  readonly compiled: { token: Compiled; counter: Compiled }

  private constructor(senders: number, compiled: { token: Compiled; counter: Compiled }) {
    this.senders = Array.from({ length: senders }, (_, i) => senderAddress(i))
    this.state = createMemoryState(
      Object.fromEntries(this.senders.map((a) => [a, { balance: parseEther('1000') }])),
    )
    this.compiled = compiled
  }

  static async create(options: {
    senders: number
    counters?: number
    compiled?: { token: Compiled; counter: Compiled }
  }) {
    const w = new Workload(options.senders, options.compiled ?? (await compileExamples()))
    const owner = w.senders[0] as Address
    const { token, counter } = w.compiled
    const setup: ExecutableTx[] = [
      w.tx(owner, {
        data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['T', 'T', 10n ** 30n] }),
        gas: 3_000_000n,
      }),
    ]
    w.token = getContractAddress({ from: owner, nonce: 0n }).toLowerCase() as Address
    for (let i = 0; i < (options.counters ?? 1); i++) {
      const nonce = w.nonces.get(owner) as bigint
      setup.push(w.tx(owner, { data: counter.bytecode, gas: 1_000_000n }))
      w.counters.push(getContractAddress({ from: owner, nonce }).toLowerCase() as Address)
    }
    for (const s of w.senders.slice(1)) setup.push(w.erc20(owner, s, 10n ** 24n))
    await w.commitSerial(setup)
    return w
  }

  /** Executes `txs` serially and commits them (setup and reference blocks). */
  async commitSerial(txs: ExecutableTx[]) {
    const result = await createSerialExecutor().executeBlock({ header: header(this.number), txs }, this.state)
    if (result.skipped.length > 0) throw new Error(`setup skipped: ${result.skipped[0]?.reason}`)
    this.state.apply(result.writeSet)
    this.number++
    return result
  }

  nextNonce(from: Address): bigint {
    const nonce = this.nonces.get(from) ?? this.state.getAccount(from)?.nonce ?? 0n
    this.nonces.set(from, nonce + 1n)
    return nonce
  }

  tx(from: Address, fields: Partial<ExecutableTx> = {}): ExecutableTx {
    return makeTx({ from, nonce: this.nextNonce(from), ...fields })
  }

  erc20(from: Address, to: Address, amount: bigint, token = this.token): ExecutableTx {
    return this.tx(from, {
      to: token,
      data: encodeFunctionData({
        abi: this.compiled.token.abi,
        functionName: 'transfer',
        args: [to, amount],
      }),
      gas: 100_000n,
    })
  }

  increment(from: Address, counter = this.counters[0] as Address): ExecutableTx {
    return this.tx(from, {
      to: counter,
      data: encodeFunctionData({ abi: this.compiled.counter.abi, functionName: 'increment' }),
      gas: 100_000n,
    })
  }

  /** Forgets nonces handed out for a block that was not committed. */
  resetNonces(): void {
    this.nonces.clear()
  }
}

/** One random operation of a property-test block. */
export type Op =
  | { kind: 'eth'; from: number; to: number; value: bigint }
  | { kind: 'erc20'; from: number; to: number; amount: bigint }
  | { kind: 'hot'; from: number }
  | { kind: 'reset'; from: number }
  | { kind: 'deployThenCall'; from: number; caller: number }
  | { kind: 'toCoinbase'; from: number }
  | { kind: 'badNonce'; from: number }
  | { kind: 'tooMuchGas'; from: number }
  | { kind: 'accessList'; from: number; to: number }

/** Turns ops into a block's transactions (nonces chained per sender, as a mempool would). */
export function buildBlock(w: Workload, ops: readonly Op[]): ExecutableTx[] {
  const s = (i: number) => w.senders[i % w.senders.length] as Address
  /** Recipients: a sender when the index is below the sender count, else a fresh account. */
  const r = (i: number) => (i < w.senders.length ? (w.senders[i] as Address) : senderAddress(i))
  const txs: ExecutableTx[] = []
  for (const op of ops) {
    switch (op.kind) {
      case 'eth':
        txs.push(w.tx(s(op.from), { to: r(op.to), value: op.value, gas: 21_000n }))
        break
      case 'erc20':
        txs.push(w.erc20(s(op.from), r(op.to), op.amount))
        break
      case 'hot':
        txs.push(w.increment(s(op.from)))
        break
      case 'reset':
        // Reverts whenever the counter is already zero; otherwise a real conflict with every increment.
        txs.push(
          w.tx(s(op.from), {
            to: w.counters[1] ?? (w.counters[0] as Address),
            data: encodeFunctionData({ abi: w.compiled.counter.abi, functionName: 'reset' }),
            gas: 100_000n,
          }),
        )
        break
      case 'deployThenCall': {
        const deployer = s(op.from)
        const nonce = w.nonces.get(deployer) ?? w.state.getAccount(deployer)?.nonce ?? 0n
        txs.push(w.tx(deployer, { data: w.compiled.counter.bytecode, gas: 1_000_000n }))
        const created = getContractAddress({ from: deployer, nonce }).toLowerCase() as Address
        txs.push(w.increment(s(op.caller), created))
        break
      }
      case 'toCoinbase':
        txs.push(w.tx(s(op.from), { to: COINBASE, value: 1n, gas: 21_000n }))
        break
      case 'badNonce':
        txs.push(makeTx({ from: s(op.from), nonce: 1_000_000n, to: s(op.from), gas: 21_000n }))
        break
      case 'tooMuchGas':
        txs.push(w.tx(s(op.from), { to: s(op.from), gas: 16_000_000n }))
        break
      case 'accessList': {
        const tx = w.erc20(s(op.from), r(op.to), 1n)
        txs.push({
          ...tx,
          type: 'eip2930',
          gasPrice: 2n * BASE_FEE,
          accessList: [{ address: w.token, storageKeys: [numberToHex(op.to, { size: 32 })] }],
        })
        break
      }
    }
  }
  return txs
}
