import { fileURLToPath } from 'node:url'
import type { BlockContext, BlockExecutionResult, ExecutableTx, Receipt } from '@rollup-mesh/core'
import { devAccounts } from '@rollup-mesh/core'
import {
  type Abi,
  type Address,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  keccak256,
  numberToHex,
  parseEther,
} from 'viem'
import {
  compileSolidityFile,
  createMemoryState,
  createSerialExecutor,
  type GenesisAlloc,
  type MemoryState,
  type SerialExecutor,
  simulateCall,
} from '../../src/index.js'
import type { WasmEngine } from '../../src/wasm/types.js'

export const accounts = devAccounts(4).map((a) => a.address.toLowerCase() as Address)
export const [alice, bob, carol, dave] = accounts as [Address, Address, Address, Address]
export const COINBASE: Address = '0x00000000000000000000000000000000c0ffee00'
export const CHAIN_ID = 31_337n
export const BASE_FEE = 1_000_000_000n

export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../examples/contracts/', import.meta.url))
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url))

export function makeHeader(number: bigint, overrides: Partial<BlockContext> = {}): BlockContext {
  return {
    number,
    timestamp: 1_700_000_000n + number * 2n,
    coinbase: COINBASE,
    baseFeePerGas: BASE_FEE,
    gasLimit: 30_000_000n,
    chainId: CHAIN_ID,
    prevRandao: numberToHex(number, { size: 32 }),
    ...overrides,
  }
}

let txCounter = 0
export type TxFields = Partial<Omit<ExecutableTx, 'hash'>> & { from: Address }

export function makeTx(fields: TxFields): ExecutableTx {
  const tx: ExecutableTx = {
    hash: keccak256(numberToHex(++txCounter)),
    type: 'eip1559',
    nonce: 0n,
    to: null,
    value: 0n,
    data: '0x',
    gas: 1_000_000n,
    maxFeePerGas: 2n * BASE_FEE,
    maxPriorityFeePerGas: 1_000_000n,
    ...fields,
  }
  return tx
}

/** A tiny chain over the serial executor and the in-memory state: one block per `send`. */
export class TestChain {
  readonly state: MemoryState
  readonly executor: SerialExecutor
  readonly wasm: WasmEngine | undefined
  number = 1n

  constructor(alloc?: GenesisAlloc, options: { wasm?: WasmEngine } = {}) {
    this.state = createMemoryState(
      alloc ?? Object.fromEntries(accounts.map((a) => [a, { balance: parseEther('1000') }])),
    )
    this.wasm = options.wasm
    this.executor = createSerialExecutor({ wasm: options.wasm })
  }

  nonceOf(address: Address): bigint {
    return this.state.getAccount(address)?.nonce ?? 0n
  }

  balanceOf(address: Address): bigint {
    return this.state.getAccount(address)?.balance ?? 0n
  }

  /** Executes one block and commits its write set. */
  async block(txs: ExecutableTx[], header?: Partial<BlockContext>): Promise<BlockExecutionResult> {
    const result = await this.executor.executeBlock(
      { header: makeHeader(this.number, header), txs },
      this.state,
    )
    this.state.apply(result.writeSet)
    this.number++
    return result
  }

  /** Sends one transaction (nonce filled in) in its own block; throws when the executor skipped it. */
  async send(fields: Omit<TxFields, 'nonce'> & { nonce?: bigint }): Promise<Receipt> {
    const tx = makeTx({ nonce: this.nonceOf(fields.from), ...fields })
    const result = await this.block([tx])
    const skipped = result.skipped[0]
    if (skipped) throw new Error(`transaction skipped: ${skipped.reason}`)
    return result.receipts[0]!
  }

  async deploy(from: Address, abi: Abi, bytecode: Hex, args: readonly unknown[] = [], gas = 5_000_000n) {
    const receipt = await this.send({ from, data: encodeDeployData({ abi, bytecode, args }), gas })
    return { receipt, address: receipt.contractAddress! }
  }

  async write(
    from: Address,
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
    value = 0n,
  ) {
    return this.send({ from, to, value, data: encodeFunctionData({ abi, functionName, args }) })
  }

  async read<T = unknown>(
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<T> {
    const result = await simulateCall({
      header: makeHeader(this.number),
      state: this.state,
      to,
      data: encodeFunctionData({ abi, functionName, args }),
      wasm: this.wasm,
    })
    if (!result.success) throw new Error(`call reverted: ${result.returnData}`)
    return decodeFunctionResult({ abi, functionName, data: result.returnData }) as T
  }
}

const compiled = new Map<string, Promise<{ abi: Abi; bytecode: Hex }>>()

/** Compiles (once per test file) a contract from examples/contracts or the fixtures. */
export function solidity(
  file: string,
  name: string,
  dir = EXAMPLES_DIR,
): Promise<{ abi: Abi; bytecode: Hex }> {
  const key = `${dir}${file}:${name}`
  let entry = compiled.get(key)
  if (!entry) {
    entry = compileSolidityFile(`${dir}${file}`).then((r) => {
      const c = r.contracts[name]
      if (!c) throw new Error(`${name} not in ${file}`)
      return { abi: c.abi, bytecode: c.bytecode }
    })
    compiled.set(key, entry)
  }
  return entry
}
