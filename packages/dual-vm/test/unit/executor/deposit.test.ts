import type { ExecutableTx } from '@rollup-mesh/core'
import {
  type Abi,
  type Address,
  decodeFunctionResult,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  numberToHex,
  parseEther,
  toHex,
} from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import { simulateCall } from '../../../src/index.js'
import { createWasmEngine } from '../../../src/wasm/engine.js'
import {
  alice,
  bob,
  COINBASE,
  carol,
  EXAMPLES_DIR,
  makeHeader,
  makeTx,
  solidity,
  TestChain,
} from '../helpers.js'

/** The SPN Mailbox address Messenger.sol trusts (deposits deliver messages from it). */
const MAILBOX: Address = '0x0000000000000000000000000000000000002001'

let depositCount = 0
/** A deposit as the chain builds it: no fee fields, a unique source hash, an arbitrary (ignored) nonce. */
function deposit(fields: Partial<ExecutableTx> & { from: Address }): ExecutableTx {
  const sourceHash = keccak256(toHex(`deposit-${++depositCount}`))
  return {
    hash: keccak256(sourceHash),
    type: 'deposit',
    nonce: 999n,
    to: null,
    value: 0n,
    data: '0x',
    gas: 100_000n,
    mint: 0n,
    sourceHash,
    ...fields,
  }
}

let messenger: { abi: Abi; bytecode: Hex }
let wasmMessenger: { abi: Abi; bytecode: Hex }
beforeAll(async () => {
  const [evm, wasm] = await Promise.all([
    solidity('Messenger.sol', 'Messenger'),
    compileAssemblyScript(`${EXAMPLES_DIR}messenger.ts`),
  ])
  messenger = evm
  wasmMessenger = { abi: wasm.abi, bytecode: wasm.bytecode }
}, 60_000)

describe('deposit transactions (OP Stack semantics)', () => {
  it('credits the mint, moves value, bumps the nonce without checking it, and charges no fee', async () => {
    const chain = new TestChain()
    const fresh: Address = '0x00000000000000000000000000000000000d0001'
    const result = await chain.block([
      deposit({ from: fresh, to: bob, mint: 5_000n, value: 3_000n, gas: 21_000n, nonce: 42n }),
      deposit({ from: fresh, to: carol, mint: 1n, value: 0n, gas: 50_000n, nonce: 0n }),
    ])
    expect(result.skipped).toEqual([])
    const [first, second] = result.receipts
    expect(first).toMatchObject({ status: 1, gasUsed: 21_000n, effectiveGasPrice: 0n, depositNonce: 0n })
    expect(second).toMatchObject({ status: 1, gasUsed: 21_000n, depositNonce: 1n })
    expect(second?.cumulativeGasUsed).toBe(42_000n)
    // Deposit gas counts toward the block's gas, but nobody paid for it.
    expect(result.gasUsed).toBe(42_000n)
    expect(chain.balanceOf(fresh)).toBe(5_000n - 3_000n + 1n)
    expect(chain.balanceOf(bob)).toBe(parseEther('1000') + 3_000n)
    expect(chain.nonceOf(fresh)).toBe(2n)
    expect(chain.balanceOf(COINBASE)).toBe(0n)
    expect(chain.state.getAccount(COINBASE)).toBeUndefined()
  })

  it('an ordinary transaction after a deposit from the same sender needs the bumped nonce', async () => {
    const chain = new TestChain()
    const stale = makeTx({ from: alice, to: bob, gas: 21_000n, nonce: 0n })
    const result = await chain.block([deposit({ from: alice, to: bob, gas: 21_000n }), stale])
    expect(result.receipts).toHaveLength(1)
    expect(result.skipped).toEqual([{ hash: stale.hash, reason: expect.stringContaining('nonce 0') }])
    expect(chain.nonceOf(alice)).toBe(1n)
    // Alice paid nothing for the deposit: no fee, no value.
    expect(chain.balanceOf(alice)).toBe(parseEther('1000'))
  })

  it('delivers value to an EVM contract from a sender that holds code (no EIP-3607)', async () => {
    const chain = new TestChain({
      [alice]: { balance: parseEther('1000') },
      [MAILBOX]: { balance: 0n, code: '0x00' },
    })
    const { address } = await chain.deploy(alice, messenger.abi, messenger.bytecode)
    const data = encodeFunctionData({
      abi: messenger.abi,
      functionName: 'onMessage',
      args: [1n, carol, '0xbeef'],
    })
    const nonceBefore = chain.nonceOf(MAILBOX)
    const result = await chain.block([
      deposit({ from: MAILBOX, to: address, mint: 7_777n, value: 7_777n, data, gas: 300_000n }),
    ])
    expect(result.skipped).toEqual([])
    const receipt = result.receipts[0]
    expect(receipt?.status).toBe(1)
    expect(receipt?.logs).toHaveLength(1)
    expect(chain.balanceOf(address)).toBe(7_777n)
    expect(chain.balanceOf(MAILBOX)).toBe(0n)
    expect(chain.nonceOf(MAILBOX)).toBe(nonceBefore + 1n)
    const read = async (functionName: string) => {
      const r = await simulateCall({
        header: makeHeader(chain.number),
        state: chain.state,
        to: address,
        data: encodeFunctionData({ abi: messenger.abi, functionName }),
      })
      return decodeFunctionResult({ abi: messenger.abi, functionName, data: r.returnData })
    }
    expect(await read('valueReceived')).toBe(7_777n)
    expect(await read('received')).toBe(1n)
    expect(((await read('lastSender')) as string).toLowerCase()).toBe(carol)
  })

  it('delivers value to a WASM contract', async () => {
    const chain = new TestChain(
      { [alice]: { balance: parseEther('1000') }, [MAILBOX]: { balance: 0n, code: '0x00' } },
      { wasm: createWasmEngine() },
    )
    const { receipt: deployed, address } = await chain.deploy(
      alice,
      wasmMessenger.abi,
      wasmMessenger.bytecode,
    )
    expect(deployed.vm).toBe('wasm')
    const data = encodeFunctionData({
      abi: wasmMessenger.abi,
      functionName: 'onMessage',
      args: [2n, carol, '0x01'],
    })
    const result = await chain.block([
      deposit({ from: MAILBOX, to: address, mint: 99n, value: 99n, data, gas: 500_000n }),
      // The same from any other sender reverts; its mint stays with that sender.
      deposit({ from: bob, to: address, mint: 5n, value: 5n, data, gas: 500_000n }),
    ])
    expect(result.receipts.map((r) => [r.vm, r.status])).toEqual([
      ['wasm', 1],
      ['wasm', 0],
    ])
    expect(chain.balanceOf(address)).toBe(99n)
    expect(chain.balanceOf(bob)).toBe(5n) // bob held nothing before its deposit
    expect(await chain.read(address, wasmMessenger.abi, 'valueReceived')).toBe(99n)
  })

  it('keeps the mint and the nonce bump when the call reverts; the value stays with the sender', async () => {
    const chain = new TestChain({ [alice]: { balance: parseEther('1000') } })
    const { address } = await chain.deploy(alice, messenger.abi, messenger.bytecode)
    // Not sent by the Mailbox: onMessage reverts.
    const data = encodeFunctionData({
      abi: messenger.abi,
      functionName: 'onMessage',
      args: [1n, carol, '0x'],
    })
    const from: Address = '0x00000000000000000000000000000000000d0002'
    const coinbaseBefore = chain.balanceOf(COINBASE) // the deployment's tip
    const result = await chain.block([
      deposit({ from, to: address, mint: 1_000n, value: 600n, data, gas: 200_000n }),
    ])
    const receipt = result.receipts[0]
    expect(receipt?.status).toBe(0)
    expect(receipt?.effectiveGasPrice).toBe(0n)
    expect(receipt?.revertData).not.toBe('0x')
    expect(receipt?.gasUsed).toBeLessThan(200_000n)
    expect(chain.balanceOf(from)).toBe(1_000n)
    expect(chain.balanceOf(address)).toBe(0n)
    expect(chain.nonceOf(from)).toBe(1n)
    expect(chain.balanceOf(COINBASE)).toBe(coinbaseBefore)
  })

  it('includes a deposit whose value exceeds the minted balance as failed, using all its gas', async () => {
    const chain = new TestChain()
    const from: Address = '0x00000000000000000000000000000000000d0003'
    const result = await chain.block([deposit({ from, to: bob, mint: 10n, value: 11n, gas: 30_000n })])
    expect(result.skipped).toEqual([])
    expect(result.receipts[0]).toMatchObject({ status: 0, gasUsed: 30_000n, depositNonce: 0n })
    expect(result.gasUsed).toBe(30_000n)
    expect(chain.balanceOf(from)).toBe(10n)
    expect(chain.nonceOf(from)).toBe(1n)
    expect(chain.balanceOf(bob)).toBe(parseEther('1000'))
  })

  it('skips a deposit whose gas is below the intrinsic gas, leaving the state untouched', async () => {
    const chain = new TestChain()
    const rootBefore = (await chain.block([])).stateRoot
    const from: Address = '0x00000000000000000000000000000000000d0004'
    const tx = deposit({ from, to: bob, mint: 10n, data: '0x01', gas: 21_000n })
    const result = await chain.block([tx])
    expect(result.receipts).toEqual([])
    expect(result.skipped).toEqual([
      { hash: tx.hash, reason: 'gas limit 21000 is below the intrinsic gas 21040' },
    ])
    expect(result.stateRoot).toBe(rootBefore)
    expect(chain.state.getAccount(from)).toBeUndefined()
  })

  it('creates a contract at the address of the sender nonce it used', async () => {
    const chain = new TestChain()
    const from: Address = '0x00000000000000000000000000000000000d0005'
    const result = await chain.block([
      deposit({ from, to: bob, gas: 21_000n }),
      deposit({ from, to: null, data: messenger.bytecode, gas: 3_000_000n, nonce: 0n }),
    ])
    const created = result.receipts[1]
    expect(created?.status).toBe(1)
    expect(created?.contractAddress).toBe(getContractAddress({ from, nonce: 1n }).toLowerCase())
    expect(chain.state.getAccount(created?.contractAddress as Address)?.codeHash).not.toBe(keccak256('0x'))
    expect(numberToHex(chain.nonceOf(from))).toBe('0x2')
  })
})
