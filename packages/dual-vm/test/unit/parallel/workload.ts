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
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import {
  compileSolidityFile,
  createMemoryState,
  createSerialExecutor,
  createWasmEngine,
  type MemoryState,
} from '../../../src/index.js'
import type { WasmEngine } from '../../../src/wasm/types.js'

/** Random-block workloads shared by the parallel tests and bench/parallel.ts. */

export const COINBASE: Address = '0x00000000000000000000000000000000c0ffee00'
export const BASE_FEE = 1_000_000_000n
const EXAMPLES = fileURLToPath(new URL('../../../../../examples/contracts/', import.meta.url))

export type Compiled = { abi: Abi; bytecode: Hex }

export type CompiledExamples = {
  token: Compiled
  counter: Compiled
  caller: Compiled
  /** The AssemblyScript twins (same ABIs), when compiled with `wasm: true`. */
  wasm?: { token: Compiled; counter: Compiled; caller: Compiled }
}

export async function compileExamples(options: { wasm?: boolean } = {}): Promise<CompiledExamples> {
  const [token, counter, caller] = await Promise.all([
    compileSolidityFile(`${EXAMPLES}Token.sol`),
    compileSolidityFile(`${EXAMPLES}Counter.sol`),
    compileSolidityFile(`${EXAMPLES}CrossVmCaller.sol`),
  ])
  const t = token.contracts.Token
  const c = counter.contracts.Counter
  const k = caller.contracts.CrossVmCaller
  if (!t || !c || !k) throw new Error('examples did not compile')
  const out: CompiledExamples = {
    token: { abi: t.abi, bytecode: t.bytecode },
    counter: { abi: c.abi, bytecode: c.bytecode },
    caller: { abi: k.abi, bytecode: k.bytecode },
  }
  if (options.wasm) {
    const [wt, wc, wk] = await Promise.all(
      ['token.ts', 'counter.ts', 'caller.ts'].map((f) => compileAssemblyScript(`${EXAMPLES}${f}`)),
    )
    out.wasm = {
      token: { abi: wt!.abi, bytecode: wt!.bytecode },
      counter: { abi: wc!.abi, bytecode: wc!.bytecode },
      caller: { abi: wk!.abi, bytecode: wk!.bytecode },
    }
  }
  return out
}

/** The WASM engine the workers and the serial reference use (B's engine, from source or dist). */
export const WASM_ENGINE_SOURCE = {
  module: new URL('../../../src/wasm/engine.ts', import.meta.url).href,
  exportName: 'createWasmEngine',
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
  /** WASM token, WASM counters, the EVM caller and the WASM caller (with `compiled.wasm`). */
  wasmToken: Address | undefined
  wasmCounters: Address[] = []
  evmCaller: Address | undefined
  wasmCaller: Address | undefined
  number = 1n
  readonly compiled: CompiledExamples
  readonly engine: WasmEngine | undefined

  private constructor(senders: number, compiled: CompiledExamples) {
    this.senders = Array.from({ length: senders }, (_, i) => senderAddress(i))
    this.state = createMemoryState(
      Object.fromEntries(this.senders.map((a) => [a, { balance: parseEther('1000') }])),
    )
    this.compiled = compiled
    this.engine = compiled.wasm ? createWasmEngine() : undefined
  }

  static async create(options: { senders: number; counters?: number; compiled?: CompiledExamples }) {
    const w = new Workload(options.senders, options.compiled ?? (await compileExamples()))
    const owner = w.senders[0] as Address
    const { token, counter, caller } = w.compiled
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
    const deploy = (c: Compiled, args: readonly unknown[] = []) => {
      const nonce = w.nonces.get(owner) as bigint
      setup.push(
        w.tx(owner, { data: encodeDeployData({ abi: c.abi, bytecode: c.bytecode, args }), gas: 5_000_000n }),
      )
      return getContractAddress({ from: owner, nonce }).toLowerCase() as Address
    }
    const wasm = w.compiled.wasm
    if (wasm) {
      w.wasmToken = deploy(wasm.token, ['W', 'W', 10n ** 30n])
      w.wasmCounters = [deploy(wasm.counter), deploy(wasm.counter)]
      w.wasmCaller = deploy(wasm.caller)
      w.evmCaller = deploy(caller)
    }
    for (const s of w.senders.slice(1)) {
      setup.push(w.erc20(owner, s, 10n ** 24n))
      if (w.wasmToken) setup.push(w.erc20(owner, s, 10n ** 24n, w.wasmToken))
    }
    await w.commitSerial(setup)
    return w
  }

  /** Executes `txs` serially and commits them (setup and reference blocks). */
  async commitSerial(txs: ExecutableTx[]) {
    const result = await createSerialExecutor({ wasm: this.engine }).executeBlock(
      { header: header(this.number), txs },
      this.state,
    )
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
  | { kind: 'wasmErc20'; from: number; to: number; amount: bigint }
  | { kind: 'wasmHot'; from: number }
  | { kind: 'crossVm'; from: number; intoWasm: boolean }

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
      case 'wasmErc20':
        txs.push(
          w.wasmToken
            ? w.erc20(s(op.from), r(op.to), op.amount, w.wasmToken)
            : w.erc20(s(op.from), r(op.to), op.amount),
        )
        break
      case 'wasmHot':
        txs.push(w.increment(s(op.from), w.wasmCounters[0] ?? w.counters[0]))
        break
      case 'crossVm': {
        // EVM caller -> WASM counter, or WASM caller -> EVM counter (both through the Solidity ABI).
        const caller = op.intoWasm ? w.evmCaller : w.wasmCaller
        const target = op.intoWasm ? w.wasmCounters[1] : (w.counters[1] ?? w.counters[0])
        if (!caller || !target) {
          txs.push(w.increment(s(op.from)))
          break
        }
        txs.push(
          w.tx(s(op.from), {
            to: caller,
            data: encodeFunctionData({
              abi: w.compiled.caller.abi,
              functionName: 'addOn',
              args: [target, 2n],
            }),
            gas: 300_000n,
          }),
        )
        break
      }
    }
  }
  return txs
}
