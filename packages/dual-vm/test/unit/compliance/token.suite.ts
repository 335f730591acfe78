import {
  type Abi,
  type Address,
  decodeErrorResult,
  decodeEventLog,
  encodeFunctionData,
  getAddress,
  type Hex,
  maxUint256,
  zeroAddress,
} from 'viem'
import { describe, expect, it } from 'vitest'
import type { WasmEngine } from '../../../src/wasm/types.js'
import { alice, bob, carol, TestChain } from '../helpers.js'

/**
 * One implementation of the example token's ABI (Token.sol, token.ts): its ABI,
 * its creation "bytecode" (EVM init code or a WASM module) and, for WASM, the
 * engine that runs it. Constructor: (string name, string symbol, uint256 supply).
 */
export type TokenImplementation = {
  name: string
  vm: 'evm' | 'wasm'
  load(): Promise<{ abi: Abi; bytecode: Hex; wasm?: WasmEngine }>
}

const SUPPLY = 1_000_000n * 10n ** 18n

function reason(data: Hex): string | undefined {
  const decoded = decodeErrorResult({ abi: [], data })
  return decoded.errorName === 'Error' ? (decoded.args[0] as string) : undefined
}

/** The shared ERC20 compliance suite (libp2p's interface-compliance-tests pattern). */
export function describeTokenCompliance(impl: TokenImplementation): void {
  describe(`token compliance: ${impl.name}`, () => {
    let loaded: ReturnType<TokenImplementation['load']> | undefined
    async function setup() {
      loaded ??= impl.load()
      const { abi, bytecode, wasm } = await loaded
      const chain = new TestChain(undefined, wasm ? { wasm } : {})
      const { receipt, address } = await chain.deploy(
        alice,
        abi,
        bytecode,
        ['Mesh Token', 'MESH', SUPPLY],
        10_000_000n,
      )
      expect(receipt.status, `deploy reverted: ${receipt.revertData}`).toBe(1)
      expect(receipt.vm).toBe(impl.vm)
      const events = () =>
        receipt.logs.map((l) => decodeEventLog({ abi, data: l.data, topics: l.topics as [Hex, ...Hex[]] }))
      return { abi, chain, token: address, deployEvents: events() }
    }

    it('exposes name, symbol, decimals and the initial supply, minted to the deployer with a Transfer event', async () => {
      const { abi, chain, token, deployEvents } = await setup()
      expect(await chain.read(token, abi, 'name')).toBe('Mesh Token')
      expect(await chain.read(token, abi, 'symbol')).toBe('MESH')
      expect(await chain.read(token, abi, 'decimals')).toBe(18)
      expect(await chain.read(token, abi, 'totalSupply')).toBe(SUPPLY)
      expect(await chain.read(token, abi, 'balanceOf', [alice])).toBe(SUPPLY)
      expect(await chain.read(token, abi, 'balanceOf', [bob])).toBe(0n)
      expect(deployEvents).toEqual([
        { eventName: 'Transfer', args: { from: zeroAddress, to: getAddr(alice), value: SUPPLY } },
      ])
    })

    it('transfers, returns true and emits a decodable Transfer event', async () => {
      const { abi, chain, token } = await setup()
      const receipt = await chain.write(alice, token, abi, 'transfer', [bob, 250n])
      expect(receipt.status).toBe(1)
      expect(await chain.read(token, abi, 'balanceOf', [alice])).toBe(SUPPLY - 250n)
      expect(await chain.read(token, abi, 'balanceOf', [bob])).toBe(250n)
      expect(receipt.logs).toHaveLength(1)
      expect(receipt.logs[0]!.address).toBe(token)
      const event = decodeEventLog({
        abi,
        data: receipt.logs[0]!.data,
        topics: receipt.logs[0]!.topics as [Hex, ...Hex[]],
      })
      expect(event).toEqual({
        eventName: 'Transfer',
        args: { from: getAddr(alice), to: getAddr(bob), value: 250n },
      })
    })

    it('reverts a transfer beyond the balance with a reason, keeping nonce bump and fee', async () => {
      const { abi, chain, token } = await setup()
      const before = chain.balanceOf(bob)
      const receipt = await chain.write(bob, token, abi, 'transfer', [carol, 1n])
      expect(receipt.status).toBe(0)
      expect(receipt.logs).toEqual([])
      expect(reason(receipt.revertData)).toBe('ERC20: transfer amount exceeds balance')
      expect(chain.nonceOf(bob)).toBe(1n)
      expect(chain.balanceOf(bob)).toBe(before - receipt.gasUsed * receipt.effectiveGasPrice)
      expect(await chain.read(token, abi, 'balanceOf', [carol])).toBe(0n)
    })

    it('reverts a transfer to the zero address with a reason', async () => {
      const { abi, chain, token } = await setup()
      const receipt = await chain.write(alice, token, abi, 'transfer', [zeroAddress, 1n])
      expect(receipt.status).toBe(0)
      expect(reason(receipt.revertData)).toBe('ERC20: transfer to the zero address')
      expect(await chain.read(token, abi, 'balanceOf', [alice])).toBe(SUPPLY)
    })

    it('approves with an Approval event and spends allowances with transferFrom', async () => {
      const { abi, chain, token } = await setup()
      const approve = await chain.write(alice, token, abi, 'approve', [bob, 100n])
      expect(approve.status).toBe(1)
      const event = decodeEventLog({
        abi,
        data: approve.logs[0]!.data,
        topics: approve.logs[0]!.topics as [Hex, ...Hex[]],
      })
      expect(event).toEqual({
        eventName: 'Approval',
        args: { owner: getAddr(alice), spender: getAddr(bob), value: 100n },
      })
      expect(await chain.read(token, abi, 'allowance', [alice, bob])).toBe(100n)

      const spend = await chain.write(bob, token, abi, 'transferFrom', [alice, carol, 60n])
      expect(spend.status).toBe(1)
      expect(await chain.read(token, abi, 'allowance', [alice, bob])).toBe(40n)
      expect(await chain.read(token, abi, 'balanceOf', [carol])).toBe(60n)
      const transfer = decodeEventLog({
        abi,
        data: spend.logs.at(-1)!.data,
        topics: spend.logs.at(-1)!.topics as [Hex, ...Hex[]],
      })
      expect(transfer).toEqual({
        eventName: 'Transfer',
        args: { from: getAddr(alice), to: getAddr(carol), value: 60n },
      })

      const over = await chain.write(bob, token, abi, 'transferFrom', [alice, carol, 41n])
      expect(over.status).toBe(0)
      expect(reason(over.revertData)).toBe('ERC20: insufficient allowance')
      expect(await chain.read(token, abi, 'allowance', [alice, bob])).toBe(40n)
    })

    it('does not decrease an infinite allowance', async () => {
      const { abi, chain, token } = await setup()
      await chain.write(alice, token, abi, 'approve', [bob, maxUint256])
      await chain.write(bob, token, abi, 'transferFrom', [alice, bob, 5n])
      expect(await chain.read(token, abi, 'allowance', [alice, bob])).toBe(maxUint256)
      expect(await chain.read(token, abi, 'balanceOf', [bob])).toBe(5n)
    })

    it('charges gas: more than the intrinsic cost, paid by the sender, tip to the coinbase', async () => {
      const { abi, chain, token } = await setup()
      const before = chain.balanceOf(alice)
      const data = encodeFunctionData({ abi, functionName: 'transfer', args: [bob, 1n] })
      const receipt = await chain.send({ from: alice, to: token, data })
      expect(receipt.gasUsed).toBeGreaterThan(21_000n + 16n * 36n)
      expect(receipt.gasUsed).toBeLessThan(200_000n)
      expect(chain.balanceOf(alice)).toBe(before - receipt.gasUsed * receipt.effectiveGasPrice)
      // A second transfer to an already non-zero balance costs less (no zero-to-non-zero store).
      const again = await chain.send({ from: alice, to: token, data })
      expect(again.gasUsed).toBeLessThan(receipt.gasUsed)
    })
  })
}

/** viem's decodeEventLog returns checksummed addresses. */
const getAddr = (address: Address): Address => getAddress(address)
