import {
  type Abi,
  decodeEventLog,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  hexToBytes,
  keccak256,
} from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { LogsBloom } from '../../../src/index.js'
import { alice, BASE_FEE, bob, COINBASE, FIXTURES_DIR, makeTx, solidity, TestChain } from '../helpers.js'

let counter: { abi: Abi; bytecode: Hex }
let token: { abi: Abi; bytecode: Hex }
beforeAll(async () => {
  counter = await solidity('Counter.sol', 'Counter')
  token = await solidity('Token.sol', 'Token')
})

describe('transaction semantics', () => {
  it('transfers value, bumps the nonce, burns the base fee and pays the tip to the coinbase', async () => {
    const chain = new TestChain()
    const before = chain.balanceOf(alice)
    const bobBefore = chain.balanceOf(bob)
    const tip = 3n
    const receipt = await chain.send({
      from: alice,
      to: bob,
      value: 12345n,
      gas: 21_000n,
      maxPriorityFeePerGas: tip,
    })
    expect(receipt.status).toBe(1)
    expect(receipt.gasUsed).toBe(21_000n)
    expect(receipt.effectiveGasPrice).toBe(BASE_FEE + tip)
    expect(chain.nonceOf(alice)).toBe(1n)
    expect(chain.balanceOf(bob)).toBe(bobBefore + 12345n)
    expect(chain.balanceOf(alice)).toBe(before - 12345n - 21_000n * (BASE_FEE + tip))
    expect(chain.balanceOf(COINBASE)).toBe(21_000n * tip)
  })

  it('caps the effective gas price at maxFeePerGas and charges legacy gasPrice in full', async () => {
    const chain = new TestChain()
    const r1 = await chain.send({
      from: alice,
      to: bob,
      gas: 21_000n,
      maxFeePerGas: BASE_FEE + 5n,
      maxPriorityFeePerGas: 10n,
    })
    expect(r1.effectiveGasPrice).toBe(BASE_FEE + 5n)
    const r2 = await chain.send({
      from: alice,
      to: bob,
      gas: 21_000n,
      type: 'legacy',
      gasPrice: BASE_FEE * 3n,
    })
    expect(r2.effectiveGasPrice).toBe(BASE_FEE * 3n)
    expect(chain.balanceOf(COINBASE)).toBe(21_000n * 5n + 21_000n * BASE_FEE * 2n)
  })

  it('deploys with CREATE at the nonce-derived address and runs calls', async () => {
    const chain = new TestChain()
    const { receipt, address } = await chain.deploy(alice, counter.abi, counter.bytecode)
    expect(receipt.status).toBe(1)
    expect(address).toBe(getContractAddress({ from: alice, nonce: 0n }).toLowerCase())
    const r = await chain.write(bob, address, counter.abi, 'add', [5n])
    expect(r.status).toBe(1)
    expect(await chain.read(address, counter.abi, 'count')).toBe(5n)
  })

  it('keeps the nonce bump and the fee of a reverted transaction and returns its reason', async () => {
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, counter.abi, counter.bytecode)
    const before = chain.balanceOf(bob)
    const r = await chain.write(bob, address, counter.abi, 'reset')
    expect(r.status).toBe(0)
    expect(r.logs).toEqual([])
    expect(chain.nonceOf(bob)).toBe(1n)
    expect(chain.balanceOf(bob)).toBe(before - r.gasUsed * r.effectiveGasPrice)
    expect(r.revertData.slice(0, 10)).toBe('0x08c379a0')
    expect(Buffer.from(hexToBytes(r.revertData)).toString('utf8')).toContain('Counter: already zero')
  })

  it('builds receipts with logs, bloom and cumulative gas', async () => {
    const chain = new TestChain()
    const { address } = await chain.deploy(alice, token.abi, token.bytecode, ['Token', 'TKN', 1000n])
    const data = encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [bob, 10n] })
    const result = await chain.block([
      makeTx({ from: alice, nonce: 1n, to: address, data, gas: 100_000n }),
      makeTx({ from: alice, nonce: 2n, to: address, data, gas: 100_000n }),
    ])
    const [a, b] = result.receipts
    expect(a!.cumulativeGasUsed).toBe(a!.gasUsed)
    expect(b!.cumulativeGasUsed).toBe(a!.gasUsed + b!.gasUsed)
    expect(result.gasUsed).toBe(b!.cumulativeGasUsed)
    const log = a!.logs[0]!
    expect(log.address).toBe(address)
    const event = decodeEventLog({ abi: token.abi, data: log.data, topics: log.topics as [Hex, ...Hex[]] })
    expect(event.eventName).toBe('Transfer')
    const bloom = new LogsBloom()
    bloom.bits.set(hexToBytes(result.logsBloom))
    expect(bloom.has(hexToBytes(address))).toBe(true)
    expect(bloom.has(hexToBytes(log.topics[0]!))).toBe(true)
    expect(bloom.has(hexToBytes(keccak256('0x1234')))).toBe(false)
    expect(a!.logsBloom).toBe(b!.logsBloom)
  })

  it('derives CREATE2 addresses like the EVM spec', async () => {
    const chain = new TestChain()
    const { abi, bytecode } = await solidity('Create2Factory.sol', 'Create2Factory', FIXTURES_DIR)
    const { address: factory } = await chain.deploy(alice, abi, bytecode)
    const salt = keccak256('0x01')
    const r = await chain.write(alice, factory, abi, 'deploy', [salt])
    expect(r.status).toBe(1)
    const created = decodeEventLog({
      abi,
      data: r.logs[0]!.data,
      topics: r.logs[0]!.topics as [Hex, ...Hex[]],
    })
    const initCode = (await chain.read(factory, abi, 'counterInitCode')) as Hex
    const expected = getContractAddress({ opcode: 'CREATE2', from: factory, salt, bytecode: initCode })
    expect((created.args as unknown as { deployed: string }).deployed.toLowerCase()).toBe(
      expected.toLowerCase(),
    )
    expect(chain.state.getAccount(expected.toLowerCase() as Hex)?.codeHash).not.toBe(keccak256('0x'))
  })
})

describe('validation (skipped transactions)', () => {
  it('skips bad nonces, unaffordable and oversized transactions without touching state', async () => {
    const chain = new TestChain()
    const root = chain.state.stateRoot()
    const result = await chain.block(
      [
        makeTx({ from: alice, nonce: 5n, to: bob, gas: 21_000n }),
        makeTx({ from: alice, nonce: 0n, to: bob, gas: 21_000n, value: 10n ** 30n }),
        makeTx({ from: alice, nonce: 0n, to: bob, gas: 40_000_000n }),
        makeTx({ from: alice, nonce: 0n, to: bob, gas: 20_000n }),
        makeTx({ from: alice, nonce: 0n, to: bob, gas: 21_000n, maxFeePerGas: BASE_FEE - 1n }),
      ],
      { gasLimit: 30_000_000n },
    )
    expect(result.receipts).toEqual([])
    expect(result.skipped.map((s) => s.reason)).toEqual([
      expect.stringContaining('nonce 5'),
      expect.stringContaining('insufficient funds'),
      expect.stringContaining("exceeds the block's remaining gas"),
      expect.stringContaining('intrinsic gas'),
      expect.stringContaining('below the block'),
    ])
    expect(chain.state.stateRoot()).toBe(root)
  })

  it('skips a transaction whose gas exceeds what is left in the block', async () => {
    const chain = new TestChain()
    const result = await chain.block(
      [
        makeTx({ from: alice, nonce: 0n, to: bob, gas: 30_000n }),
        makeTx({ from: bob, nonce: 0n, to: alice, gas: 30_000n }),
      ],
      { gasLimit: 50_000n },
    )
    expect(result.receipts).toHaveLength(1)
    expect(result.skipped).toHaveLength(1)
    expect(result.included[0]!.from).toBe(alice)
  })
})
