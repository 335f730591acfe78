import { type Address, decodeErrorResult, type Hex, hexToBytes, parseAbi } from 'viem'
import { describe, expect, it } from 'vitest'
import { ENVELOPE_MARKER, encodeWasmDeployData, splitEnvelope } from '../../../src/wasm/envelope.js'
import { WasmValidationError } from '../../../src/wasm/errors.js'
import { MAX_MEMORY_PAGES } from '../../../src/wasm/hostAbi.js'
import type { WasmResult } from '../../../src/wasm/types.js'
import { contract, UnitWorld, wat } from './world.js'

const alice: Address = '0x00000000000000000000000000000000000a11ce'
const reason = (r: WasmResult) => {
  const d = decodeErrorResult({ abi: [], data: `0x${Buffer.from(r.returnData).toString('hex')}` as Hex })
  return d.args[0] as string
}

async function deployed(body: string, imports = '') {
  const world = new UnitWorld()
  const { address, result } = await world.deploy(
    alice,
    encodeWasmDeployData(contract(`${body} (func (export "deploy"))`, imports)),
  )
  expect(result.status).toBe('success')
  return { world, address }
}

describe('WASM engine: metering and failure modes (results, never exceptions)', () => {
  it('runs an infinite loop out of gas with gasUsed == limit', async () => {
    const { world, address } = await deployed('(func (export "call") (loop (br 0)))')
    const r = await world.call(alice, address, '0x', 100_000n)
    expect(r.status).toBe('out-of-gas')
    expect(r.gasUsed).toBe(100_000n)
    expect(reason(r)).toBe('out of gas')
  })

  it('charges deterministic gas that grows with the work done', async () => {
    const loop = (n: number) =>
      `(func (export "call") (local i32) (local.set 0 (i32.const ${n})) (loop (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if 0 (local.get 0))))`
    const small = await deployed(loop(10))
    const big = await deployed(loop(1000))
    const a1 = await small.world.call(alice, small.address, '0x')
    const a2 = await small.world.call(alice, small.address, '0x')
    const b = await big.world.call(alice, big.address, '0x')
    expect(a1.status).toBe('success')
    expect(a1.gasUsed).toBe(a2.gasUsed)
    expect(a1.gasUsed).toBeGreaterThan(0n)
    // each iteration is one metered block of the same cost
    const perIteration = (b.gasUsed - a1.gasUsed) / 990n
    expect(b.gasUsed - a1.gasUsed).toBe(perIteration * 990n)
    // local.get, i32.const, i32.sub, local.set, local.get, br_if: 6 instructions at GAS_BASE
    expect(perIteration).toBe(6n)
  })

  it('charges bulk memory operations and memory.grow by size', async () => {
    const fill = (n: number) =>
      deployed(`(func (export "call") (memory.fill (i32.const 0) (i32.const 7) (i32.const ${n})))`)
    const grow = (n: number) => deployed(`(func (export "call") (drop (memory.grow (i32.const ${n}))))`)
    const gasOf = async (p: ReturnType<typeof fill>) => {
      const { world, address } = await p
      return (await world.call(alice, address, '0x')).gasUsed
    }
    // GAS_COPY_WORD (3) per 32 bytes, GAS_MEMORY_PAGE (2048) per page
    expect((await gasOf(fill(65_536))) - (await gasOf(fill(0)))).toBe(3n * 2048n)
    expect((await gasOf(grow(2))) - (await gasOf(grow(0)))).toBe(2n * 2048n)
  })

  it('stops a memory bomb at the memory limit (or out of gas), as a result', async () => {
    // no declared maximum: the validator caps it at MAX_MEMORY_PAGES
    const world = new UnitWorld()
    const bomb = wat(
      '(module (memory (export "memory") 1) (func (export "deploy")) (func (export "call") (loop (br_if 0 (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable))',
    )
    const { address } = await world.deploy(alice, encodeWasmDeployData(bomb))
    const r = await world.call(alice, address, '0x', 10_000_000n)
    expect(r.status).toBe('trap')
    expect(r.error).toMatch(/memory limit exceeded \(128 pages\)/)
    const small = await deployed(
      '(func (export "call") (loop (br_if 0 (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable)',
    )
    const capped = await small.world.call(alice, small.address, '0x', 10_000_000n)
    expect(capped.error).toMatch(/memory limit exceeded \(4 pages\)/)
    const poor = await world.call(alice, address, '0x', 50_000n)
    expect(poor.status).toBe('out-of-gas')
    expect(MAX_MEMORY_PAGES).toBe(128)
  })

  it('turns deep recursion into a "call stack exhausted" trap, deterministically', async () => {
    const { world, address } = await deployed('(func $f (export "call") (call $f))')
    const r1 = await world.call(alice, address, '0x', 100_000_000n)
    const r2 = await world.call(alice, address, '0x', 100_000_000n)
    expect(r1.status).toBe('trap')
    expect(r1.error).toMatch(/call stack exhausted/)
    expect(r1.gasUsed).toBe(100_000_000n)
    expect(r2).toEqual(r1)
  })

  it('reports traps (unreachable, out-of-bounds) as results', async () => {
    const { world, address } = await deployed('(func (export "call") (drop (i32.load (i32.const 1000000))))')
    const r = await world.call(alice, address, '0x')
    expect(r.status).toBe('trap')
    expect(reason(r)).toMatch(/WASM trap: .*out of bounds/)
  })

  it('reverts host calls that point outside memory', async () => {
    const { world, address } = await deployed(
      '(func (export "call") (call $finish (i32.const 65000) (i32.const 1000)))',
      '(import "mesh" "finish" (func $finish (param i32 i32)))',
    )
    const r = await world.call(alice, address, '0x')
    expect(r.status).toBe('trap')
    expect(r.error).toMatch(/host call memory access out of bounds/)
  })

  it('reverts state changes in a static context', async () => {
    const { world, address } = await deployed(
      '(func (export "call") (call $store (i32.const 0) (i32.const 0)))',
      '(import "mesh" "storage_store" (func $store (param i32 i32)))',
    )
    const r = await world.call(alice, address, '0x', 1_000_000n, { isStatic: true })
    expect(r.status).toBe('revert')
    expect(reason(r)).toBe('storage_store in a static call')
    const ok = await world.call(alice, address, '0x', 1_000_000n)
    expect(ok.status).toBe('success')
    expect(ok.gasUsed).toBeGreaterThanOrEqual(100n)
  })
})

describe('record/replay of cross-VM calls', () => {
  const caller = (n: number) =>
    deployed(
      `(func (export "call") (local i32) (local.set 0 (i32.const ${n})) (block (br_if 0 (i32.eqz (local.get 0))) (loop (drop (call $call (i32.const 0) (i32.const 100) (i32.const 200) (i32.const 0) (i32.const 0) (i64.const 0))) (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if 0 (local.get 0)))))`,
      '(import "mesh" "call" (func $call (param i32 i32 i32 i32 i32 i64) (result i32)))',
    )

  it('re-runs the frame once per call, with the same gas on every run', async () => {
    const { world, address } = await caller(10)
    const before = world.engine.stats.replays
    const a = await world.call(alice, address, '0x')
    expect(a.status, a.error).toBe('success')
    expect(world.engine.stats.replays - before).toBe(10)
    expect((await world.call(alice, address, '0x')).gasUsed).toBe(a.gasUsed)
  })

  it('charges for the replays it causes, so many calls in one frame cost superlinear gas', async () => {
    const gas = async (n: number) => {
      const { world, address } = await caller(n)
      return (await world.call(alice, address, '0x')).gasUsed
    }
    const [g0, g10, g20] = [await gas(0), await gas(10), await gas(20)]
    expect(g10 - g0).toBeGreaterThanOrEqual(10n * 2600n)
    expect(g20 - g10).toBeGreaterThan(g10 - g0)
  })
})

describe('WASM deployment envelope', () => {
  const module = contract('(func (export "call")) (func (export "deploy"))')

  it('round-trips module and constructor args', () => {
    const args = hexToBytes('0x000000000000000000000000000000000000000000000000000000000000002a')
    const payload = encodeWasmDeployData(module, args)
    expect(payload.subarray(module.length, module.length + ENVELOPE_MARKER.length)).toEqual(ENVELOPE_MARKER)
    const split = splitEnvelope(payload)
    expect(split.module).toEqual(module)
    expect(split.constructorArgs).toEqual(args)
    expect(splitEnvelope(module).constructorArgs.length).toBe(0)
  })

  it('rejects args appended without the marker', () => {
    const world = new UnitWorld()
    const bad = new Uint8Array([...module, ...new Uint8Array(32).fill(1)])
    expect(() => world.engine.prepareDeployment(bad)).toThrow(WasmValidationError)
    expect(() => world.engine.prepareDeployment(bad)).toThrow(
      expect.objectContaining({ code: 'WASM_VALIDATION' }),
    )
  })

  it('delivers constructor args to deploy as calldata', async () => {
    const world = new UnitWorld()
    const m = contract(
      '(func (export "call")) (func (export "deploy") (call $copy (i32.const 0) (i32.const 0) (call $size)) (call $store (i32.const 0) (i32.const 0)))',
      '(import "mesh" "calldata_size" (func $size (result i32))) (import "mesh" "calldata_copy" (func $copy (param i32 i32 i32))) (import "mesh" "storage_store" (func $store (param i32 i32)))',
    )
    const args = new Uint8Array(32).fill(7)
    const { address, result } = await world.deploy(alice, encodeWasmDeployData(m, args))
    expect(result.status).toBe('success')
    expect([...world.account(address).storage.values()][0]).toEqual(args)
  })
})

export const echoAbi = parseAbi([
  'function echo(uint256,address,bool,bytes32,bytes,string) returns (uint256,address,bool,bytes32,bytes,string)',
])
