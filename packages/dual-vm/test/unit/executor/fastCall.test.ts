import { type Abi, type Address, encodeDeployData, encodeFunctionData, type Hex, parseEther } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import { estimateGas, type SimulateCallParameters, simulateCall } from '../../../src/index.js'
import { createWasmEngine } from '../../../src/wasm/engine.js'
import { alice, bob, carol, EXAMPLES_DIR, makeHeader, solidity, TestChain } from '../helpers.js'

// eth_call / eth_estimateGas on the fast engine: the same answer as ethereumjs's `runCall` (return data,
// gas, logs, errors, created address), call by call, over the same state.

/** BALANCE(ADDRESS), BALANCE(CALLER): cold on both engines in eth_call (nothing is warmed beforehand). */
const BALANCES: Hex = '0x30313331015f5260205ff3'
/** STATICCALL sha256 (0x02) on 32 bytes of calldata, return its output. */
const SHA: Hex = '0x60205f5f37602060206020600060025afa5060206020f3'
/** Always reverts with 4 bytes. */
const REVERTS: Hex = '0x63deadbeef5f526004601cfd'

let token: { abi: Abi; bytecode: Hex }
let chain: TestChain
let tokenAddress: Address
const contracts = {
  balances: '0x0000000000000000000000000000000000c0de01' as Address,
  sha: '0x0000000000000000000000000000000000c0de02' as Address,
  reverts: '0x0000000000000000000000000000000000c0de03' as Address,
}

beforeAll(async () => {
  token = await solidity('Token.sol', 'Token')
  chain = new TestChain({
    ...Object.fromEntries([alice, bob, carol].map((a) => [a, { balance: parseEther('1000') }])),
    [contracts.balances]: { code: BALANCES, balance: 7n },
    [contracts.sha]: { code: SHA },
    [contracts.reverts]: { code: REVERTS },
  })
  tokenAddress = (await chain.deploy(alice, token.abi, token.bytecode, ['T', 'T', 10n ** 24n])).address
}, 120_000)

function calls(): [string, Omit<SimulateCallParameters, 'header' | 'state'>][] {
  const call = (functionName: string, args: readonly unknown[]) =>
    encodeFunctionData({ abi: token.abi, functionName, args })
  return [
    ['a view (balanceOf)', { to: tokenAddress, data: call('balanceOf', [alice]) }],
    ['a transfer with a log', { from: alice, to: tokenAddress, data: call('transfer', [carol, 5n]) }],
    ['a transfer that reverts', { from: bob, to: tokenAddress, data: call('transfer', [carol, 5n]) }],
    ['cold BALANCE of itself and the caller', { from: bob, to: contracts.balances }],
    ['value from an account poorer than the value', { from: carol, to: bob, value: 10n ** 30n }],
    ['a precompile (sha256) from a contract', { to: contracts.sha, data: `0x${'ab'.repeat(32)}` }],
    ['a plain revert with data', { to: contracts.reverts }],
    ['out of gas', { from: alice, to: tokenAddress, data: call('transfer', [carol, 5n]), gas: 5_000n }],
    [
      'a creation (to: null)',
      {
        from: bob,
        to: null,
        data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['U', 'U', 1n] }),
      },
    ],
    [
      'a creation by an absent sender',
      { from: '0x00000000000000000000000000000000000dead1', data: '0x6001600c60003960016000f3fe' },
    ],
  ]
}

describe('simulateCall on the fast engine equals ethereumjs', () => {
  it('call by call: success, return data, gas, logs, error, contract address', async () => {
    for (const [what, params] of calls()) {
      const base = { header: makeHeader(chain.number), state: chain.state, ...params }
      const reference = await simulateCall({ ...base, evm: 'ethereumjs' })
      const fast = await simulateCall({ ...base, evm: 'fast' })
      expect(fast, what).toEqual(reference)
    }
    // The cases really cover success, revert, halt, logs and creation.
    const results = await Promise.all(
      calls().map(([, p]) =>
        simulateCall({ header: makeHeader(chain.number), state: chain.state, ...p, evm: 'fast' }),
      ),
    )
    expect(results.some((r) => r.success && r.logs.length > 0)).toBe(true)
    expect(results.some((r) => !r.success && r.error === 'revert')).toBe(true)
    expect(results.map((r) => r.error)).toContain('out of gas')
    expect(results.some((r) => r.success && r.contractAddress !== null)).toBe(true)
  })

  it('eth_estimateGas gives the same gas on both engines', async () => {
    for (const [what, params] of calls().slice(0, 2)) {
      const base = { header: makeHeader(chain.number), state: chain.state, ...params }
      expect(await estimateGas({ ...base, evm: 'fast' }), what).toEqual(
        await estimateGas({ ...base, evm: 'ethereumjs' }),
      )
    }
  })

  it('a WASM deployment (to: null, \\0asm init code) goes to the WASM engine on both: the same estimate, and it deploys with it', async () => {
    const wasm = createWasmEngine()
    const wasmChain = new TestChain({ [alice]: { balance: parseEther('1000') } }, { wasm })
    const compiled = await compileAssemblyScript(`${EXAMPLES_DIR}token.ts`)
    const data = encodeDeployData({ abi: compiled.abi, bytecode: compiled.bytecode, args: ['W', 'W', 5n] })
    const base = {
      header: makeHeader(wasmChain.number),
      state: wasmChain.state,
      wasm,
      from: alice,
      to: null,
      data,
    }
    const fast = await estimateGas({ ...base, evm: 'fast' })
    expect(fast).toEqual(await estimateGas({ ...base, evm: 'ethereumjs' }))
    // as EVM code the module's first byte (0x00) would STOP: an estimate near the intrinsic gas
    if (!fast.success) throw new Error(`estimate failed: ${JSON.stringify(fast)}`)
    expect(fast.gas).toBeGreaterThan(200_000n)
    const deployed = await wasmChain.deploy(alice, compiled.abi, compiled.bytecode, ['W', 'W', 5n], fast.gas)
    expect(deployed.receipt.status).toBe(1)
  }, 120_000)

  it('rejects an unknown engine name, naming the parameter', async () => {
    await expect(
      simulateCall({ header: makeHeader(1n), state: chain.state, to: bob, evm: 'revm' as never }),
    ).rejects.toThrow(/Parameter "evm" is invalid/)
  })
})
