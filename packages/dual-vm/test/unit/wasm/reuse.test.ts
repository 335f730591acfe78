import {
  type Address,
  bytesToHex,
  encodeAbiParameters,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  hexToBytes,
  keccak256,
  toFunctionSelector,
} from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { simulateCall } from '../../../src/executor/call.js'
import { createWasmEngine } from '../../../src/wasm/engine.js'
import { encodeWasmDeployData } from '../../../src/wasm/envelope.js'
import { GAS_GLOBAL_EXPORT, RESET_EXPORT, STACK_GLOBAL_EXPORT } from '../../../src/wasm/hostAbi.js'
import { validateAndInstrument } from '../../../src/wasm/instrument.js'
import { reusableModule } from '../../../src/wasm/reset.js'
import type { WasmCallContext, WasmResult } from '../../../src/wasm/types.js'
import { alice as chainAlice, makeHeader, solidity, TestChain } from '../helpers.js'
import { contract, example, UnitWorld } from './world.js'

/**
 * Instance reuse (engine.ts, "Instance reuse"): every execution must observe
 * exactly what a fresh instance would, however the previous execution on the
 * same instance ended. The contracts below dirty every piece of instance state
 * (mutable globals of both types, data-segment bytes, zeroed bytes, memory
 * size, the instrumenter's stack budget) and report what they saw on entry.
 */
const alice: Address = '0x00000000000000000000000000000000000a11ce'

const IMPORTS = `
  (import "mesh" "calldata_size" (func $size (result i32)))
  (import "mesh" "calldata_copy" (func $copy (param i32 i32 i32)))
  (import "mesh" "finish" (func $finish (param i32 i32)))
  (import "mesh" "revert" (func $revert (param i32 i32)))
  (import "mesh" "storage_store" (func $store (param i32 i32)))
  (import "mesh" "keccak256" (func $keccak (param i32 i32 i32)))
  (import "mesh" "call" (func $call (param i32 i32 i32 i32 i32 i64) (result i32)))
  (import "mesh" "returndata_copy" (func $rcopy (param i32 i32 i32)))
  (import "mesh" "address" (func $address (param i32)))`

/** What `$observe` reports: 56 bytes at 512. */
const OBSERVATION_BYTES = 56

/**
 * `call` first records what it sees at 512 (g: i32, h: i64, mem[16..20],
 * mem[100..104], memory.size, keccak of the whole first page), then dirties all
 * of it, then ends as calldata byte 0 says (no calldata: finish with the
 * observation).
 */
const LEAKY = contract(
  `
  (global $g (mut i32) (i32.const 7))
  (global $h (mut i64) (i64.const -5))
  (data (i32.const 16) "seed")
  (func $observe
    (call $keccak (i32.const 0) (i32.const 65536) (i32.const 536))
    (i32.store (i32.const 512) (global.get $g))
    (i64.store (i32.const 516) (global.get $h))
    (i32.store (i32.const 524) (i32.load (i32.const 16)))
    (i32.store (i32.const 528) (i32.load (i32.const 100)))
    (i32.store (i32.const 532) (memory.size)))
  (func $dirty
    (global.set $g (i32.const 99))
    (global.set $h (i64.const 12345))
    (i32.store (i32.const 16) (i32.const 0x41414141))
    (i32.store (i32.const 100) (i32.const -1))
    (i32.store (i32.const 65532) (i32.const -1)))
  (func $deep (call $deep))
  (func (export "deploy") (call $dirty))
  (func (export "call") (local $mode i32)
    (call $observe)
    (call $dirty)
    (if (call $size) (then
      (call $copy (i32.const 1024) (i32.const 0) (i32.const 1))
      (local.set $mode (i32.load8_u (i32.const 1024)))))
    (if (i32.eq (local.get $mode) (i32.const 1)) (then unreachable))
    (if (i32.eq (local.get $mode) (i32.const 2)) (then (loop (br 0))))
    (if (i32.eq (local.get $mode) (i32.const 3)) (then (call $revert (i32.const 512) (i32.const ${OBSERVATION_BYTES}))))
    (if (i32.eq (local.get $mode) (i32.const 4)) (then (call $store (i32.const 0) (i32.const 0))))
    (if (i32.eq (local.get $mode) (i32.const 5)) (then
      (drop (memory.grow (i32.const 1)))
      (i32.store (i32.const 70000) (i32.const -1))))
    (if (i32.eq (local.get $mode) (i32.const 6)) (then (call $deep)))
    (if (i32.eq (local.get $mode) (i32.const 7)) (then (drop (i32.load (i32.const 1000000)))))
    (call $finish (i32.const 512) (i32.const ${OBSERVATION_BYTES})))`,
  IMPORTS,
)

/** What a fresh instance of LEAKY reports. */
function freshObservation(): Uint8Array {
  const page = new Uint8Array(65536)
  page.set(new TextEncoder().encode('seed'), 16)
  const out = new Uint8Array(OBSERVATION_BYTES)
  const view = new DataView(out.buffer)
  view.setInt32(0, 7, true)
  view.setBigInt64(4, -5n, true)
  out.set(page.subarray(16, 20), 12)
  view.setInt32(16, 0, true)
  view.setInt32(20, 1, true)
  out.set(keccak256(page, 'bytes'), 24)
  return out
}

/** How each mode ends (mode 4 runs in a static context: a host refusal thrown out of an import). */
const DISRUPTIONS: {
  mode: number
  what: string
  status: WasmResult['status']
  extra?: Partial<WasmCallContext>
}[] = [
  { mode: 1, what: 'a trap (unreachable)', status: 'trap' },
  { mode: 2, what: 'out of gas in a loop', status: 'out-of-gas' },
  { mode: 3, what: 'a revert from the revert import', status: 'revert' },
  {
    mode: 4,
    what: 'a host refusal (storage_store in a static call)',
    status: 'revert',
    extra: { isStatic: true },
  },
  { mode: 5, what: 'a memory.grow (the instance is dropped)', status: 'success' },
  { mode: 6, what: 'call stack exhausted (stack budget left at its limit)', status: 'trap' },
  { mode: 7, what: 'an out-of-bounds load', status: 'trap' },
  { mode: 0, what: 'a normal finish', status: 'success' },
]

async function runDisruptions(world: UnitWorld, address: Address) {
  const results: WasmResult[] = []
  for (const d of DISRUPTIONS) {
    results.push(await world.call(alice, address, new Uint8Array([d.mode]), 1_000_000n, d.extra))
    results.push(await world.call(alice, address, '0x', 1_000_000n))
  }
  return results
}

describe('WASM instance reuse: no state leaks from one execution to the next', () => {
  it('a call sees initial globals and memory after a constructor and after a call that dirtied them', async () => {
    const world = new UnitWorld()
    const { address, result } = await world.deploy(alice, encodeWasmDeployData(LEAKY))
    expect(result.status).toBe('success')
    const first = await world.call(alice, address, '0x')
    const second = await world.call(alice, address, '0x')
    expect(first.status, first.error).toBe('success')
    expect(bytesToHex(first.returnData)).toBe(bytesToHex(freshObservation()))
    expect(second).toEqual(first)
    // the constructor's instance served both calls: reuse really happened
    expect(world.engine.stats.instantiated).toBe(1)
    expect(world.engine.stats.reused).toBe(2)
  })

  for (const d of DISRUPTIONS) {
    it(`a call after ${d.what} sees what a fresh instance sees, for the same gas`, async () => {
      const world = new UnitWorld()
      const { address } = await world.deploy(alice, encodeWasmDeployData(LEAKY))
      const first = await world.call(alice, address, '0x', 1_000_000n)
      const disrupted = await world.call(alice, address, new Uint8Array([d.mode]), 1_000_000n, d.extra)
      expect(disrupted.status, disrupted.error).toBe(d.status)
      const reusedBefore = world.engine.stats.reused
      const after = await world.call(alice, address, '0x', 1_000_000n)
      expect(after).toEqual(first)
      expect(bytesToHex(after.returnData)).toBe(bytesToHex(freshObservation()))
      // a grown memory cannot shrink: that instance is dropped and a new one made; any other is reused
      expect(world.engine.stats.reused - reusedBefore).toBe(d.mode === 5 ? 0 : 1)
    })
  }

  it('gives the same results and gas as an engine that instantiates per call', async () => {
    const reusing = new UnitWorld()
    const fresh = new UnitWorld({ reuseInstances: false })
    const a = await reusing.deploy(alice, encodeWasmDeployData(LEAKY))
    const b = await fresh.deploy(alice, encodeWasmDeployData(LEAKY))
    expect(a.address).toBe(b.address)
    expect(await runDisruptions(reusing, a.address)).toEqual(await runDisruptions(fresh, b.address))
    expect(reusing.engine.stats.reused).toBeGreaterThan(10)
    expect(fresh.engine.stats.reused).toBe(0)
    expect(fresh.engine.stats.instantiated).toBe(fresh.engine.stats.frames)
  })

  it('runs the AssemblyScript token with the same results, gas, storage and logs as per-call instances', async () => {
    const { abi, bytecode } = await example('token.ts')
    const bob: Address = '0x0000000000000000000000000000000000000b0b'
    const play = async (world: UnitWorld) => {
      const deployData = encodeDeployData({ abi, bytecode, args: ['T', 'T', 1000n] } as never)
      const { address } = await world.deploy(alice, hexToBytes(deployData))
      const results: WasmResult[] = []
      const send = async (from: Address, functionName: string, args: unknown[]) =>
        results.push(
          await world.call(from, address, encodeFunctionData({ abi, functionName, args } as never)),
        )
      for (let i = 0; i < 5; i++) {
        await send(alice, 'transfer', [bob, BigInt(i + 1)])
        await send(bob, 'transfer', [alice, 10_000n]) // reverts: not enough balance
        await send(alice, 'approve', [bob, 7n])
        await send(bob, 'transferFrom', [alice, bob, 3n])
        await send(alice, 'balanceOf', [bob])
      }
      return { results, storage: [...world.account(address).storage], logs: world.logs }
    }
    const reusing = new UnitWorld()
    const fresh = new UnitWorld({ reuseInstances: false })
    const a = await play(reusing)
    expect(a.results.filter((r) => r.status === 'success').length).toBeGreaterThan(15)
    expect(a.results.some((r) => r.status === 'revert')).toBe(true)
    expect(await play(fresh)).toEqual(a)
    expect(reusing.engine.stats.reused).toBeGreaterThan(20)
  })

  it('reuses modules whose memory.init/data.drop name active segments (dropped at instantiation either way)', async () => {
    const module = contract(
      `(data (i32.const 8) "active")
       (func (export "deploy"))
       (func (export "call")
         (memory.init 0 (i32.const 0) (i32.const 0) (call $size))
         (data.drop 0)
         (call $finish (i32.const 8) (i32.const 6)))`,
      IMPORTS,
    )
    const play = async (world: UnitWorld) => {
      const { address } = await world.deploy(alice, encodeWasmDeployData(module))
      const results: WasmResult[] = []
      for (const calldata of ['0x', '0x01', '0x', '0x'])
        results.push(await world.call(alice, address, calldata as Hex))
      return results
    }
    const reusing = new UnitWorld()
    const results = await play(reusing)
    // length 0 from a dropped segment is fine, length 1 traps, on a fresh instance as on a reused one
    expect(results.map((r) => r.status)).toEqual(['success', 'trap', 'success', 'success'])
    expect(new TextDecoder().decode(results[3]!.returnData)).toBe('active')
    expect(await play(new UnitWorld({ reuseInstances: false }))).toEqual(results)
    expect(reusing.engine.stats.reused).toBe(4)
  })

  it('does not reuse instances of modules with passive data segments (data.drop would outlive the call)', async () => {
    const module = contract(
      `(data $p "passive!")
       (func (export "deploy"))
       (func (export "call")
         (memory.init $p (i32.const 0) (i32.const 0) (i32.const 8))
         (data.drop $p)
         (call $finish (i32.const 0) (i32.const 8)))`,
      IMPORTS,
    )
    const world = new UnitWorld()
    const { address } = await world.deploy(alice, encodeWasmDeployData(module))
    for (let i = 0; i < 3; i++) {
      const r = await world.call(alice, address, '0x')
      expect(r.status, r.error).toBe('success')
      expect(new TextDecoder().decode(r.returnData)).toBe('passive!')
    }
    expect(world.engine.stats.reused).toBe(0)
    expect(world.engine.stats.instantiated).toBe(4)
    expect(reusableModule(validateAndInstrument(module).code)).toBeUndefined()
  })
})

/**
 * `call` with 32 bytes of calldata (a word holding `target`) is the outer
 * frame: it bumps g to 8, writes a marker, calls `target` with
 * `incrementOn(self)` and reports [success, g, marker, the callee's answer].
 * Any other calldata is the re-entered frame: it answers the g it saw on entry
 * (as a uint256) and dirties g and the marker.
 */
const REENTER = contract(
  `
  (global $g (mut i32) (i32.const 7))
  (data (i32.const 300) "${toFunctionSelector('incrementOn(address)').slice(2).replace(/../g, '\\$&')}")
  (func (export "deploy"))
  (func (export "call")
    (if (i32.ne (call $size) (i32.const 32)) (then
      (i32.store8 (i32.const 63) (global.get $g))
      (global.set $g (i32.const 100))
      (i32.store (i32.const 400) (i32.const 0x0bad0bad))
      (call $finish (i32.const 32) (i32.const 32))))
    (call $copy (i32.const 100) (i32.const 12) (i32.const 20))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store (i32.const 400) (i32.const 0x12345678))
    (call $address (i32.const 316))
    (i32.store (i32.const 436)
      (call $call (i32.const 0) (i32.const 100) (i32.const 200) (i32.const 300) (i32.const 36) (i64.const 0)))
    (call $rcopy (i32.const 448) (i32.const 0) (i32.const 32))
    (i32.store (i32.const 440) (global.get $g))
    (i32.store (i32.const 444) (i32.load (i32.const 400)))
    (call $finish (i32.const 436) (i32.const 44)))`,
  IMPORTS,
)

/** What the outer frame of REENTER reports when its re-entered frame saw a fresh instance. */
function reenterReport(): Hex {
  const out = new Uint8Array(44)
  const view = new DataView(out.buffer)
  view.setInt32(0, 1, true) // the call succeeded
  view.setInt32(4, 8, true) // the outer frame's own g
  view.setInt32(8, 0x12345678, true) // its own marker
  out[43] = 7 // the re-entered frame saw g's initial value
  return bytesToHex(out)
}

const word = (address: Address) => hexToBytes(encodeAbiParameters([{ type: 'address' }], [address]))

describe('WASM instance reuse: re-entrant frames', () => {
  it('a contract calling itself (WASM to WASM) runs the inner frame on a clean instance', async () => {
    const world = new UnitWorld()
    const { address } = await world.deploy(alice, encodeWasmDeployData(REENTER))
    const r1 = await world.call(alice, address, word(address))
    expect(r1.status, r1.error).toBe('success')
    expect(bytesToHex(r1.returnData)).toBe(reenterReport())
    const r2 = await world.call(alice, address, word(address))
    expect(r2).toEqual(r1)
    // frames in flight at once (each suspended on its cross-VM call) never share an instance
    const all = await Promise.all([1, 2, 3].map(() => world.call(alice, address, word(address))))
    for (const r of all) expect(r).toEqual(r1)
    expect(world.engine.stats.reused).toBeGreaterThan(0)
  })

  describe('through the EVM (WASM -> CrossVmCaller.incrementOn -> the same WASM contract)', () => {
    let evmCaller: { abi: readonly unknown[]; bytecode: Hex }
    beforeAll(async () => {
      evmCaller = await solidity('CrossVmCaller.sol', 'CrossVmCaller')
    }, 60_000)

    it('the re-entered frame sees initial state and the outer frame keeps its own', async () => {
      const engine = createWasmEngine()
      const wasmChain = new TestChain(undefined, { wasm: engine })
      const deployed = await wasmChain.send({
        from: chainAlice,
        data: bytesToHex(encodeWasmDeployData(REENTER)),
        gas: 5_000_000n,
      })
      expect(deployed.status).toBe(1)
      const self = deployed.contractAddress!
      const { receipt, address: caller } = await wasmChain.deploy(
        chainAlice,
        evmCaller.abi as never,
        evmCaller.bytecode,
      )
      expect(receipt.status).toBe(1)
      for (let i = 0; i < 2; i++) {
        const result = await simulateCall({
          header: makeHeader(wasmChain.number),
          state: wasmChain.state,
          to: self,
          data: bytesToHex(word(caller)),
          wasm: engine,
        })
        expect(result.success).toBe(true)
        expect(result.returnData).toBe(reenterReport())
        const sent = await wasmChain.send({ from: chainAlice, to: self, data: bytesToHex(word(caller)) })
        expect(sent.status).toBe(1)
      }
      expect(engine.stats.reused).toBeGreaterThan(0)
    })
  })
})

describe('reusableModule (the engine-side module with a reset export)', () => {
  it('adds an exported reset of every mutable global and leaves the stored code as it was', () => {
    const { code } = validateAndInstrument(LEAKY)
    const storedExports = WebAssembly.Module.exports(new WebAssembly.Module(code)).map((e) => e.name)
    expect(storedExports).not.toContain(RESET_EXPORT)
    const derived = reusableModule(code)!
    expect(derived).toBeDefined()
    const module = new WebAssembly.Module(derived)
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual([...storedExports, RESET_EXPORT])
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
    const noop = () => undefined
    const imports = Object.fromEntries(
      WebAssembly.Module.imports(module)
        .filter((i) => i.kind === 'function')
        .map((i) => [i.name, noop]),
    )
    const instance = new WebAssembly.Instance(module, { mesh: { ...imports, memory } })
    const gas = instance.exports[GAS_GLOBAL_EXPORT] as WebAssembly.Global
    const stack = instance.exports[STACK_GLOBAL_EXPORT] as WebAssembly.Global
    gas.value = 123n
    stack.value = 456
    ;(instance.exports[RESET_EXPORT] as () => void)()
    expect(gas.value).toBe(0n)
    expect(stack.value).toBe(0)
  })

  it('works on code deployed before it existed (the instrumented AssemblyScript token)', async () => {
    const { code } = validateAndInstrument((await example('token.ts')).wasm)
    const derived = reusableModule(code)
    expect(derived).toBeDefined()
    expect(WebAssembly.validate(derived!)).toBe(true)
  })
})
