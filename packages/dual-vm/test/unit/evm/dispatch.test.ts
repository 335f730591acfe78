import { type Address, decodeErrorResult, encodeFunctionData, type Hex, parseAbi, parseEther } from 'viem'
import { describe, expect, it } from 'vitest'
import { accounts, alice, solidity, TestChain } from '../helpers.js'

/**
 * Routing between the VMs that does not need the WASM engine itself: the VM tag
 * decides where a call goes, cross-VM DELEGATECALL is refused, and without an
 * engine WASM calls and deployments revert with a reason instead of failing the block.
 */
const WASM_ACCOUNT: Address = '0x00000000000000000000000000000000000a5a5a'
const wasmLike: Hex = '0x0061736d01000000' // just the module header; only the tag matters here

function chainWithWasmAccount() {
  return new TestChain({
    ...Object.fromEntries(accounts.map((a) => [a, { balance: parseEther('1000') }])),
    [WASM_ACCOUNT]: { code: wasmLike, vm: 'wasm' },
  })
}

const reason = (data: Hex) => {
  const decoded = decodeErrorResult({ abi: [], data })
  return decoded.errorName === 'Error' ? decoded.args[0] : decoded.errorName
}

describe('VM dispatch', () => {
  it('refuses DELEGATECALL from an EVM contract into WASM code with a clear reason', async () => {
    const chain = chainWithWasmAccount()
    const { abi, bytecode } = await solidity('CrossVmCaller.sol', 'CrossVmCaller')
    const { address } = await chain.deploy(alice, abi, bytecode)
    const r = await chain.write(alice, address, abi, 'delegateTo', [WASM_ACCOUNT, '0x12345678'])
    expect(r.status).toBe(0)
    expect(reason(r.revertData)).toMatch(/delegatecall across VMs is not supported/)
    expect(chain.nonceOf(alice)).toBe(2n)
  })

  it('reverts calls into WASM with a reason when no engine is configured, and the block goes on', async () => {
    const chain = chainWithWasmAccount()
    const { abi, bytecode } = await solidity('CrossVmCaller.sol', 'CrossVmCaller')
    const { address } = await chain.deploy(alice, abi, bytecode)
    const r = await chain.write(alice, address, abi, 'tryAdd', [WASM_ACCOUNT, 1n])
    expect(r.status).toBe(1)
    const [ok, why] = await chain.read<[boolean, string]>(address, abi, 'tryAdd', [WASM_ACCOUNT, 1n])
    expect(ok).toBe(false)
    expect(why).toMatch(/WASM contracts are not enabled/)
    const direct = await chain.send({
      from: alice,
      to: WASM_ACCOUNT,
      data: encodeFunctionData({ abi: parseAbi(['function count()']), functionName: 'count' }),
    })
    expect(direct.status).toBe(0)
    expect(direct.vm).toBe('wasm')
    expect(reason(direct.revertData)).toMatch(/WASM contracts are not enabled/)
  })

  it('sends WASM deployments (\\0asm init data) to the WASM path, not the EVM', async () => {
    const chain = new TestChain()
    const r = await chain.send({ from: alice, data: wasmLike, gas: 200_000n })
    expect(r.status).toBe(0)
    expect(r.vm).toBe('wasm')
    expect(reason(r.revertData)).toMatch(/WASM contracts are not enabled/)
    expect(chain.state.getAccount(r.contractAddress!)).toBeUndefined()
    expect(chain.nonceOf(alice)).toBe(1n)
  })
})
