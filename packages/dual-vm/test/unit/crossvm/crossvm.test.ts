import {
  type Abi,
  type Address,
  decodeErrorResult,
  decodeEventLog,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
} from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import { createWasmEngine } from '../../../src/wasm/engine.js'
import { alice, bob, EXAMPLES_DIR, FIXTURES_DIR, makeTx, solidity, TestChain } from '../helpers.js'

type Artifact = { abi: Abi; bytecode: Hex }
let wasmCounter: Artifact
let wasmCaller: Artifact
let evmCounter: Artifact
let evmCaller: Artifact
const engine = createWasmEngine()

beforeAll(async () => {
  const [c, k] = await Promise.all([
    compileAssemblyScript(`${EXAMPLES_DIR}counter.ts`),
    compileAssemblyScript(`${EXAMPLES_DIR}caller.ts`),
  ])
  wasmCounter = { abi: c.abi, bytecode: c.bytecode }
  wasmCaller = { abi: k.abi, bytecode: k.bytecode }
  evmCounter = await solidity('Counter.sol', 'Counter')
  evmCaller = await solidity('CrossVmCaller.sol', 'CrossVmCaller')
}, 60_000)

const reason = (data: Hex): string => {
  if (data === '0x') return '(no revert data)'
  const decoded = decodeErrorResult({ abi: [], data })
  return decoded.errorName === 'Error' ? String(decoded.args[0]) : decoded.errorName
}

async function setup() {
  const chain = new TestChain(undefined, { wasm: engine })
  const deploy = async (a: Artifact) => {
    const { receipt, address } = await chain.deploy(alice, a.abi, a.bytecode)
    expect(receipt.status, `deploy failed: ${receipt.revertData}`).toBe(1)
    return address
  }
  return {
    chain,
    wasmCounter: await deploy(wasmCounter),
    wasmCaller: await deploy(wasmCaller),
    evmCounter: await deploy(evmCounter),
    evmCaller: await deploy(evmCaller),
  }
}

const decode = (abi: Abi, log: { data: Hex; topics: Hex[] }) =>
  decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]] })

describe('cross-VM calls over one state', () => {
  it('deploys WASM contracts from \\0asm init data with the wasm VM tag', async () => {
    const { chain, wasmCounter: counter } = await setup()
    expect(chain.state.getAccount(counter)?.vm).toBe('wasm')
    const r = await chain.write(bob, counter, wasmCounter.abi, 'increment')
    expect(r).toMatchObject({ status: 1, vm: 'wasm' })
    expect(await chain.read(counter, wasmCounter.abi, 'count')).toBe(1n)
  })

  for (const [from, to] of [
    ['EVM', 'WASM'],
    ['WASM', 'EVM'],
    ['WASM', 'WASM'],
    ['EVM', 'EVM'],
  ] as const) {
    it(`${from} → ${to}: call, static call, logs in order, revert undoes the callee's writes`, async () => {
      const s = await setup()
      const caller = from === 'EVM' ? s.evmCaller : s.wasmCaller
      const callerAbi = evmCaller.abi
      const counter = to === 'EVM' ? s.evmCounter : s.wasmCounter
      const chain = s.chain

      const r = await chain.write(bob, caller, callerAbi, 'addOn', [counter, 5n])
      expect(r.status, reason(r.revertData)).toBe(1)
      expect(r.vm).toBe(from.toLowerCase())
      expect(r.logs.map((l) => l.address)).toEqual([counter, caller])
      expect(decode(evmCounter.abi, r.logs[0]!)).toMatchObject({
        eventName: 'Incremented',
        args: { count: 5n },
      })
      expect(decode(callerAbi, r.logs[1]!)).toMatchObject({ eventName: 'Forwarded', args: { result: 5n } })
      expect(await chain.read(caller, callerAbi, 'readCount', [counter])).toBe(5n)

      const rootBefore = chain.state.stateRoot()
      const reverted = await chain.write(bob, caller, callerAbi, 'incrementThenRevert', [counter])
      expect(reverted.status).toBe(0)
      expect(reason(reverted.revertData)).toBe('CrossVmCaller: reverted after the cross-VM call')
      expect(await chain.read(counter, evmCounter.abi, 'count')).toBe(5n)
      // Only the sender's nonce and balance (and the coinbase tip) changed.
      expect(chain.state.stateRoot()).not.toBe(rootBefore)
      expect(chain.nonceOf(bob)).toBe(2n)
    })
  }

  it('a callee revert reaches the caller with its reason (try/catch across VMs)', async () => {
    const s = await setup()
    for (const caller of [s.evmCaller, s.wasmCaller]) {
      for (const counter of [s.evmCounter, s.wasmCounter]) {
        const data = encodeFunctionData({ abi: evmCounter.abi, functionName: 'reset' })
        const direct = await s.chain.send({ from: bob, to: counter, data })
        expect(reason(direct.revertData)).toBe('Counter: already zero')
        const [ok, why] = await s.chain.read<[boolean, string]>(caller, evmCaller.abi, 'tryAdd', [
          counter,
          1n,
        ])
        expect(ok).toBe(true)
        expect(why).toBe('')
      }
    }
  })

  it('refuses DELEGATECALL across VMs in both directions with a clear reason', async () => {
    const s = await setup()
    const payload = encodeFunctionData({ abi: evmCounter.abi, functionName: 'increment' })
    const fromEvm = await s.chain.write(bob, s.evmCaller, evmCaller.abi, 'delegateTo', [
      s.wasmCounter,
      payload,
    ])
    expect(fromEvm.status).toBe(0)
    expect(reason(fromEvm.revertData)).toMatch(/delegatecall across VMs is not supported/)
    const fromWasm = await s.chain.write(bob, s.wasmCaller, evmCaller.abi, 'delegateTo', [
      s.evmCounter,
      payload,
    ])
    expect(fromWasm.status).toBe(0)
    expect(reason(fromWasm.revertData)).toMatch(/delegatecall across VMs is not supported/)
  })

  it('a WASM call to an address without code reverts with a reason', async () => {
    const s = await setup()
    const r = await s.chain.write(bob, s.wasmCaller, evmCaller.abi, 'incrementOn', [alice])
    expect(r.status).toBe(0)
    expect(reason(r.revertData)).toMatch(/call to non-contract/)
  })

  it('shares one gas budget: a cross-VM call that runs out of gas fails the transaction, the block goes on', async () => {
    const s = await setup()
    const data = encodeFunctionData({ abi: evmCaller.abi, functionName: 'addOn', args: [s.wasmCounter, 1n] })
    const ok = await s.chain.send({ from: bob, to: s.evmCaller, data, gas: 1_000_000n })
    expect(ok.status).toBe(1)
    const result = await s.chain.block([
      makeTx({ from: bob, nonce: s.chain.nonceOf(bob), to: s.evmCaller, data, gas: 30_000n }),
      makeTx({ from: alice, nonce: s.chain.nonceOf(alice), to: bob, value: 1n, gas: 21_000n }),
    ])
    expect(result.receipts.map((r) => r.status)).toEqual([0, 1])
    expect(await s.chain.read(s.wasmCounter, wasmCounter.abi, 'count')).toBe(1n)
  })

  it('an EVM factory deploys WASM contracts with CREATE and CREATE2 (one address space)', async () => {
    const s = await setup()
    const factory = await solidity('Factory.sol', 'Factory', FIXTURES_DIR)
    const { address } = await s.chain.deploy(alice, factory.abi, factory.bytecode)
    const salt = keccak256('0x42')
    for (const [fn, args] of [
      ['create', [wasmCounter.bytecode]],
      ['create2', [wasmCounter.bytecode, salt]],
    ] as const) {
      const data = encodeFunctionData({ abi: factory.abi, functionName: fn, args })
      const r = await s.chain.send({ from: bob, to: address, data, gas: 10_000_000n })
      expect(r.status, reason(r.revertData)).toBe(1)
      const created = (
        decode(factory.abi, r.logs[0]!).args as unknown as { created: Address }
      ).created.toLowerCase() as Address
      if (fn === 'create2') {
        const expected = getContractAddress({
          opcode: 'CREATE2',
          from: address,
          salt,
          bytecode: wasmCounter.bytecode,
        })
        expect(created).toBe(expected.toLowerCase())
      }
      expect(s.chain.state.getAccount(created)?.vm).toBe('wasm')
      await s.chain.write(bob, created, wasmCounter.abi, 'add', [7n])
      expect(await s.chain.read(created, wasmCounter.abi, 'count')).toBe(7n)
    }
  })

  it('a value transfer into a non-payable WASM contract reverts and the value stays with the sender', async () => {
    const s = await setup()
    const before = s.chain.balanceOf(bob)
    const data = encodeFunctionData({ abi: wasmCounter.abi, functionName: 'increment' })
    const r = await s.chain.send({ from: bob, to: s.wasmCounter, data, value: 1000n })
    expect(r.status).toBe(0)
    expect(s.chain.balanceOf(bob)).toBe(before - r.gasUsed * r.effectiveGasPrice)
    expect(s.chain.balanceOf(s.wasmCounter)).toBe(0n)
    expect(s.chain.nonceOf(bob)).toBe(1n)
    expect(await s.chain.read(s.wasmCounter, wasmCounter.abi, 'count')).toBe(0n)
  })

  it('is deterministic: the same blocks give the same state root', async () => {
    const roots: Hex[] = []
    for (let i = 0; i < 2; i++) {
      const s = await setup()
      await s.chain.write(bob, s.evmCaller, evmCaller.abi, 'incrementOn', [s.wasmCounter])
      await s.chain.write(bob, s.wasmCaller, evmCaller.abi, 'addOn', [s.evmCounter, 3n])
      roots.push(s.chain.state.stateRoot())
    }
    expect(roots[0]).toBe(roots[1])
  })
})
