import {
  type Address,
  bytesToHex,
  decodeAbiParameters,
  decodeErrorResult,
  decodeEventLog,
  decodeFunctionResult,
  encodeAbiParameters,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  type Hex,
  hexToBytes,
  keccak256,
  maxUint256,
  parseAbi,
  parseAbiParameters,
} from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import { validateAndInstrument } from '../../../src/wasm/instrument.js'
import type { WasmResult } from '../../../src/wasm/types.js'
import { example, UnitWorld } from './world.js'

/**
 * The AssemblyScript examples and SDK on the UNIT-TEST HOST (world.ts: Maps,
 * not the executor). The compliance suite runs the same token through the real
 * executor.
 */
const alice: Address = getAddress('0x00000000000000000000000000000000000a11ce')
const bob: Address = getAddress('0x0000000000000000000000000000000000000b0b')
const carol: Address = getAddress('0x00000000000000000000000000000000000ca401')
const hex = (b: Uint8Array) => bytesToHex(b)
const reason = (r: WasmResult) => {
  const d = decodeErrorResult({ abi: [], data: hex(r.returnData) })
  return d.errorName === 'Error' ? (d.args[0] as string) : `${d.errorName}(${d.args})`
}

describe('AssemblyScript token (examples/contracts/token.ts) on the unit-test host', async () => {
  const { bytecode, abi } = await example('token.ts')
  const world = new UnitWorld()
  let token: Address
  const call = async (from: Address, functionName: string, args: unknown[] = []) =>
    world.call(from, token, encodeFunctionData({ abi, functionName, args } as never))
  const read = async (functionName: string, args: unknown[] = []) => {
    const r = await call(alice, functionName, args)
    expect(r.status, r.error).toBe('success')
    return decodeFunctionResult({ abi, functionName, data: hex(r.returnData) } as never) as unknown
  }

  beforeAll(async () => {
    const data = encodeDeployData({ abi, bytecode, args: ['Mesh Token', 'MESH', 1_000_000n] } as never)
    const { address, result } = await world.deploy(alice, hexToBytes(data))
    expect(result.status, result.error).toBe('success')
    token = address
  })

  it('has the metadata and the initial supply, with a Transfer from zero', async () => {
    expect(await read('name')).toBe('Mesh Token')
    expect(await read('symbol')).toBe('MESH')
    expect(await read('decimals')).toBe(18)
    expect(await read('totalSupply')).toBe(1_000_000n)
    expect(await read('balanceOf', [alice])).toBe(1_000_000n)
    const mint = decodeEventLog({ abi, ...world.logs[0]!, topics: world.logs[0]!.topics as [Hex] })
    expect(mint).toMatchObject({
      eventName: 'Transfer',
      args: { from: '0x0000000000000000000000000000000000000000', to: alice, value: 1_000_000n },
    })
  })

  it('lays storage out like Solidity (balanceOf at keccak(key . 3))', () => {
    const slot = keccak256(encodeAbiParameters(parseAbiParameters('address, uint256'), [alice, 3n]))
    expect(world.account(token).storage.has(slot)).toBe(true)
  })

  it('transfers, emits Transfer, and charges the same gas every time', async () => {
    world.logs = []
    const r1 = await call(alice, 'transfer', [bob, 100n])
    const r2 = await call(alice, 'transfer', [bob, 100n])
    expect(r1.status).toBe('success')
    expect(decodeFunctionResult({ abi, functionName: 'transfer', data: hex(r1.returnData) } as never)).toBe(
      true,
    )
    expect(r2.gasUsed).toBe(r1.gasUsed - 17_100n) // bob's slot: zero -> non-zero (20,000) the first time, then 2,900
    expect(await read('balanceOf', [bob])).toBe(200n)
    const ev = decodeEventLog({ abi, ...world.logs[0]!, topics: world.logs[0]!.topics as [Hex] })
    expect(ev).toMatchObject({ eventName: 'Transfer', args: { from: alice, to: bob, value: 100n } })
  })

  it('reverts with the same reasons as Token.sol', async () => {
    expect(reason(await call(bob, 'transfer', [carol, 10_000n]))).toBe(
      'ERC20: transfer amount exceeds balance',
    )
    expect(reason(await call(alice, 'transfer', ['0x0000000000000000000000000000000000000000', 1n]))).toBe(
      'ERC20: transfer to the zero address',
    )
    expect(reason(await call(alice, 'approve', ['0x0000000000000000000000000000000000000000', 1n]))).toBe(
      'ERC20: approve to the zero address',
    )
    expect(reason(await call(carol, 'transferFrom', [alice, carol, 1n]))).toBe(
      'ERC20: insufficient allowance',
    )
  })

  it('approves and transfers from, keeping an infinite allowance', async () => {
    expect((await call(alice, 'approve', [carol, 50n])).status).toBe('success')
    expect(await read('allowance', [alice, carol])).toBe(50n)
    expect((await call(carol, 'transferFrom', [alice, bob, 20n])).status).toBe('success')
    expect(await read('allowance', [alice, carol])).toBe(30n)
    await call(alice, 'approve', [carol, maxUint256])
    await call(carol, 'transferFrom', [alice, bob, 5n])
    expect(await read('allowance', [alice, carol])).toBe(maxUint256)
  })

  it('reverts calldata shorter than a selector and unknown selectors with a reason', async () => {
    const short = await world.call(alice, token, '0xa905')
    expect(short.status).toBe('revert')
    expect(reason(short)).toBe('calldata shorter than a 4-byte function selector')
    expect(reason(await world.call(alice, token, '0xdeadbeef'))).toBe('Token: unknown function selector')
  })

  it('rejects value sent to non-payable functions and dirty address words', async () => {
    const v = await world.call(
      alice,
      token,
      encodeFunctionData({ abi, functionName: 'totalSupply' } as never),
      1_000_000n,
      { value: 1n },
    )
    expect(reason(v)).toBe('function is not payable')
    const data = encodeFunctionData({ abi, functionName: 'balanceOf', args: [alice] } as never)
    const dirty = `${data.slice(0, 10)}ff${data.slice(12)}` as Hex
    expect(reason(await world.call(alice, token, dirty))).toBe('ABI: invalid address')
  })
})

describe('compiled examples pass deploy-time validation', () => {
  it('accepts the compiled example contracts (no floats pulled in by the stub runtime)', async () => {
    for (const name of ['token.ts', 'counter.ts', 'caller.ts']) {
      const { wasm } = await example(name)
      expect(() => validateAndInstrument(wasm), name).not.toThrow()
    }
  })
})

describe('SDK ABI codec round trips against viem', async () => {
  const abi = parseAbi([
    'function echo(uint256,address,bool,bytes32,bytes,string) returns (uint256,address,bool,bytes32,bytes,string)',
    'function math(uint256 a, uint256 b) returns (uint256 sum, uint256 diff, bool lt)',
    'function recurse(uint256 depth) returns (uint256)',
  ])
  const { bytecode } = await compileAssemblyScript(
    new URL('../../../sdk/test/assembly/echo.ts', import.meta.url).pathname,
    { abi },
  )
  const world = new UnitWorld()
  const { address } = await world.deploy(alice, hexToBytes(bytecode))
  const raw = async (selector: string, types: string, values: readonly unknown[]) =>
    world.call(
      alice,
      address,
      `${selector}${encodeAbiParameters(parseAbiParameters(types), values as never).slice(2)}` as Hex,
    )

  const cases: [bigint, Address, boolean, Hex, Hex, string][] = [
    [0n, alice, false, `0x${'00'.repeat(32)}`, '0x', ''],
    [maxUint256, bob, true, keccak256('0x01'), '0xdeadbeef', 'hello'],
    [
      2n ** 128n + 5n,
      carol,
      true,
      `0x${'ab'.repeat(32)}`,
      `0x${'11'.repeat(65)}`,
      'ünïcødé ✓ and a string longer than thirty-two bytes',
    ],
  ]
  const types = 'uint256, address, bool, bytes32, bytes, string'

  it.each(cases.map((c, i) => [i, c] as const))('echo case %i', async (_, values) => {
    const r = await raw('0x00000001', types, values)
    expect(r.status, r.error).toBe('success')
    expect(hex(r.returnData)).toBe(encodeAbiParameters(parseAbiParameters(types), values))
    expect(decodeAbiParameters(parseAbiParameters(types), hex(r.returnData))).toEqual(values)
  })

  it('U256 arithmetic matches bigint and panics like Solidity on overflow', async () => {
    const pairs: [bigint, bigint][] = [
      [5n, 3n],
      [2n ** 64n, 1n],
      [2n ** 192n + 2n ** 64n, 2n ** 64n + 1n],
      [maxUint256 - 1n, 1n],
    ]
    for (const [a, b] of pairs) {
      const r = await raw('0x00000002', 'uint256, uint256', [a, b])
      expect(r.status, r.error).toBe('success')
      expect(decodeAbiParameters(parseAbiParameters('uint256, uint256, bool'), hex(r.returnData))).toEqual([
        a + b,
        a - b,
        a < b,
      ])
    }
    const overflow = await raw('0x00000002', 'uint256, uint256', [maxUint256, 1n])
    expect(reason(overflow)).toBe('Panic(17)')
    const underflow = await raw('0x00000002', 'uint256, uint256', [1n, 2n])
    expect(reason(underflow)).toBe('Panic(17)')
  })

  it('bounds recursion in compiled code by the stack budget (a trap result)', async () => {
    const ok = await raw('0x00000003', 'uint256', [100n])
    expect(ok.status, ok.error).toBe('success')
    const deep = await raw('0x00000003', 'uint256', [1_000_000n])
    expect(deep.status).toBe('trap')
    expect(deep.error).toMatch(/call stack exhausted/)
  })

  it('reverts truncated arguments with a reason', async () => {
    const r = await world.call(alice, address, '0x00000002000000')
    expect(reason(r)).toBe('ABI: data too short')
  })
})

describe('cross-contract calls through record/replay (unit-test host)', async () => {
  const counter = await example('counter.ts')
  const caller = await example('caller.ts')
  const world = new UnitWorld()
  const { address: counterAddress } = await world.deploy(alice, hexToBytes(counter.bytecode))
  const { address: callerAddress } = await world.deploy(alice, hexToBytes(caller.bytecode))
  const callCaller = (functionName: string, args: unknown[]) =>
    world.call(alice, callerAddress, encodeFunctionData({ abi: caller.abi, functionName, args } as never))

  it('calls another contract, returns its result and emits both logs', async () => {
    world.logs = []
    const before = world.engine.stats.replays
    const r = await callCaller('addOn', [counterAddress, 41n])
    expect(r.status, r.error).toBe('success')
    expect(
      decodeFunctionResult({ abi: caller.abi, functionName: 'addOn', data: hex(r.returnData) } as never),
    ).toBe(41n)
    expect(world.engine.stats.replays - before).toBe(1)
    expect(world.logs.map((l) => l.address.toLowerCase())).toEqual([
      counterAddress.toLowerCase(),
      callerAddress.toLowerCase(),
    ])
    // logs emitted before the call are not duplicated by the replay
    const second = await callCaller('incrementOn', [counterAddress])
    expect(
      decodeFunctionResult({
        abi: caller.abi,
        functionName: 'incrementOn',
        data: hex(second.returnData),
      } as never),
    ).toBe(42n)
    expect(world.logs).toHaveLength(4)
  })

  it('charges the callee gas and the same total on every run', async () => {
    const a = await callCaller('readCount', [counterAddress])
    const b = await callCaller('readCount', [counterAddress])
    expect(a.status, a.error).toBe('success')
    expect(a.gasUsed).toBe(b.gasUsed)
    expect(a.gasUsed).toBeGreaterThan(2100n + 2600n)
  })

  it('surfaces the callee revert reason and undoes writes of a reverted frame', async () => {
    const r = await callCaller('tryAdd', [counterAddress, 2n ** 256n - 1n])
    expect(
      decodeFunctionResult({ abi: caller.abi, functionName: 'tryAdd', data: hex(r.returnData) } as never),
    ).toEqual([false, ''])
    const reset = await world.call(
      alice,
      counterAddress,
      encodeFunctionData({ abi: counter.abi, functionName: 'reset' } as never),
    )
    expect(reset.status).toBe('success')
    const r2 = await callCaller('tryAdd', [counterAddress, 1n])
    expect(r2.status).toBe('success')
    const why = await world.call(
      alice,
      counterAddress,
      encodeFunctionData({ abi: counter.abi, functionName: 'reset' } as never),
    )
    expect(why.status).toBe('success')
    const again = await world.call(
      alice,
      counterAddress,
      encodeFunctionData({ abi: counter.abi, functionName: 'reset' } as never),
    )
    expect(reason(again)).toBe('Counter: already zero')
    const reverted = await callCaller('incrementThenRevert', [counterAddress])
    expect(reason(reverted)).toBe('CrossVmCaller: reverted after the cross-VM call')
    expect(
      await world.call(
        alice,
        counterAddress,
        encodeFunctionData({ abi: counter.abi, functionName: 'count' } as never),
      ),
    ).toMatchObject({
      returnData: hexToBytes(encodeAbiParameters(parseAbiParameters('uint256'), [0n])),
    })
  })
})
