import binaryen from 'binaryen'
import { type Address, bytesToHex, getContractAddress, type Hex, hexToBytes } from 'viem'
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import { createWasmEngine, type V8WasmEngine, type WasmEngineOptions } from '../../../src/wasm/engine.js'
import type {
  CrossCallRequest,
  CrossCallResult,
  WasmCallContext,
  WasmHost,
  WasmResult,
} from '../../../src/wasm/types.js'

/**
 * UNIT-TEST HOST: a tiny world of WASM accounts over plain Maps, implementing
 * `WasmHost` so the engine can be tested on its own. It is not the real host:
 * the executor's host (over the journaled state and the EVM) lives in
 * src/evm/dualEvm.ts and is exercised by the compliance suite.
 */
export type UnitAccount = { code?: Uint8Array; storage: Map<string, Uint8Array>; balance: bigint }
export type UnitLog = { address: Address; topics: Hex[]; data: Hex }

export const EXAMPLES = new URL('../../../../../examples/contracts/', import.meta.url).pathname

export class UnitWorld {
  readonly engine: V8WasmEngine
  readonly accounts = new Map<Address, UnitAccount>()
  logs: UnitLog[] = []
  private nonce = 0n

  constructor(engineOptions: WasmEngineOptions = {}) {
    this.engine = createWasmEngine(engineOptions)
  }

  account(address: Address): UnitAccount {
    const key = address.toLowerCase() as Address
    let a = this.accounts.get(key)
    if (!a) {
      a = { storage: new Map(), balance: 0n }
      this.accounts.set(key, a)
    }
    return a
  }

  context(
    address: Address,
    caller: Address,
    calldata: Uint8Array,
    gasLimit: bigint,
    extra: Partial<WasmCallContext> = {},
  ): WasmCallContext {
    return {
      address,
      caller,
      origin: caller,
      value: 0n,
      calldata,
      gasLimit,
      isStatic: false,
      depth: 0,
      block: { number: 7n, timestamp: 1_700_000_000n, chainId: 31337n, coinbase: caller, baseFeePerGas: 1n },
      ...extra,
    }
  }

  host(ctx: WasmCallContext): WasmHost {
    const self = this.account(ctx.address)
    return {
      sload: (slot) => self.storage.get(bytesToHex(slot)) ?? new Uint8Array(32),
      sstore: (slot, value) => {
        self.storage.set(bytesToHex(slot), value.slice())
      },
      balance: (address) => this.account(address).balance,
      emitLog: (topics, data) => {
        this.logs.push({
          address: ctx.address,
          topics: topics.map((t) => bytesToHex(t)),
          data: bytesToHex(data),
        })
      },
      call: (request) => this.subcall(ctx, request),
    }
  }

  private async subcall(ctx: WasmCallContext, request: CrossCallRequest): Promise<CrossCallResult> {
    const target = this.account(request.to)
    if (!target.code)
      return { success: request.data.length === 0, returnData: new Uint8Array(0), gasUsed: 0n }
    const snapshot = this.snapshot()
    const inner = this.context(request.to, ctx.address, request.data, request.gas, {
      depth: ctx.depth + 1,
      isStatic: ctx.isStatic || request.kind === 'staticcall',
      block: ctx.block,
    })
    const result = await this.engine.call(target.code, inner, this.host(inner))
    if (result.status !== 'success') this.restore(snapshot)
    return { success: result.status === 'success', returnData: result.returnData, gasUsed: result.gasUsed }
  }

  private snapshot() {
    return {
      logs: this.logs.length,
      storage: [...this.accounts].map(([k, a]) => [k, new Map(a.storage)] as const),
    }
  }

  private restore(s: ReturnType<UnitWorld['snapshot']>) {
    this.logs.length = s.logs
    for (const [k, storage] of s.storage) this.account(k).storage = storage
  }

  /** Deploys envelope `initData` from `from`; reverts leave nothing behind. */
  async deploy(
    from: Address,
    initData: Uint8Array,
    gasLimit = 10_000_000n,
  ): Promise<{ address: Address; result: WasmResult }> {
    const deployment = this.engine.prepareDeployment(initData)
    const address = getContractAddress({ from, nonce: this.nonce++ })
    const snapshot = this.snapshot()
    this.account(address).code = deployment.code
    const ctx = this.context(address, from, deployment.constructorArgs, gasLimit)
    const result = await this.engine.construct(deployment.code, ctx, this.host(ctx))
    if (result.status !== 'success') {
      this.restore(snapshot)
      this.accounts.delete(address)
    }
    return { address, result }
  }

  async call(
    from: Address,
    to: Address,
    calldata: Hex | Uint8Array,
    gasLimit = 10_000_000n,
    extra: Partial<WasmCallContext> = {},
  ): Promise<WasmResult> {
    const ctx = this.context(
      to,
      from,
      typeof calldata === 'string' ? hexToBytes(calldata) : calldata,
      gasLimit,
      extra,
    )
    const snapshot = this.snapshot()
    const result = await this.engine.call(this.account(to).code!, ctx, this.host(ctx))
    if (result.status !== 'success') this.restore(snapshot)
    return result
  }
}

/** A module from WebAssembly text (via binaryen, which assemblyscript ships), all features enabled. */
export function wat(text: string): Uint8Array {
  const module = binaryen.parseText(text)
  module.setFeatures(binaryen.Features.All)
  const bytes = module.emitBinary()
  module.dispose()
  return bytes
}

/** Wraps contract functions in a minimal valid contract module text. */
export function contract(body: string, imports = ''): Uint8Array {
  return wat(`(module ${imports} (memory (export "memory") 1 4) ${body})`)
}

const compiled = new Map<string, Promise<Awaited<ReturnType<typeof compileAssemblyScript>>>>()
/** Compiles an example contract once per test file. */
export function example(name: string) {
  let p = compiled.get(name)
  if (!p) {
    p = compileAssemblyScript(`${EXAMPLES}${name}`)
    compiled.set(name, p)
  }
  return p
}
