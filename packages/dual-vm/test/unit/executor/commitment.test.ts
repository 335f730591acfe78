import fc from 'fast-check'
import { type Abi, type Address, encodeFunctionData, type Hex, numberToHex } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAssemblyScript } from '../../../src/compile/assemblyscript.js'
import { genesisWriteSet } from '../../../src/index.js'
import { createWasmEngine } from '../../../src/wasm/engine.js'
import { accounts, alice, EXAMPLES_DIR, makeTx, solidity, TestChain } from '../helpers.js'

let evmToken: { abi: Abi; bytecode: Hex }
let wasmToken: { abi: Abi; bytecode: Hex }
const engine = createWasmEngine()

beforeAll(async () => {
  evmToken = await solidity('Token.sol', 'Token', EXAMPLES_DIR)
  const compiled = await compileAssemblyScript(`${EXAMPLES_DIR}token.ts`)
  wasmToken = { abi: compiled.abi, bytecode: compiled.bytecode }
}, 60_000)

describe('incremental state root == root recomputed from the whole state', () => {
  it('holds over random blocks of EVM and WASM token transfers, approvals and value transfers', async () => {
    const chain = new TestChain(undefined, { wasm: engine })
    const evm = await chain.deploy(alice, evmToken.abi, evmToken.bytecode, ['E', 'E', 10n ** 24n])
    const wasm = await chain.deploy(
      alice,
      wasmToken.abi,
      wasmToken.bytecode,
      ['W', 'W', 10n ** 24n],
      10_000_000n,
    )
    expect([evm.receipt.status, wasm.receipt.status]).toEqual([1, 1])
    const tokens = [evm.address, wasm.address]
    const op = fc.record({
      kind: fc.constantFrom('transfer', 'approve', 'value', 'bad'),
      token: fc.integer({ min: 0, max: 1 }),
      from: fc.integer({ min: 0, max: 3 }),
      to: fc.integer({ min: 0, max: 5 }),
      amount: fc.bigInt({ min: 0n, max: 1000n }),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        async (blocks) => {
          for (const ops of blocks) {
            const nonces = new Map<Address, bigint>()
            const txs = ops.map((o) => {
              const from = accounts[o.from]!
              const nonce = nonces.get(from) ?? chain.nonceOf(from)
              nonces.set(from, nonce + 1n)
              const to = o.to < 4 ? accounts[o.to]! : (numberToHex(0xabc0 + o.to, { size: 20 }) as Address)
              const token = tokens[o.token]!
              if (o.kind === 'value') return makeTx({ from, nonce, to, value: o.amount, gas: 21_000n })
              const data =
                o.kind === 'bad'
                  ? ('0x1234' as Hex)
                  : encodeFunctionData({ abi: evmToken.abi, functionName: o.kind, args: [to, o.amount] })
              return makeTx({ from, nonce, to: token, data, gas: 200_000n })
            })
            const result = await chain.block(txs)
            expect(result.skipped).toEqual([])
            expect(chain.state.stateRoot()).toBe(result.stateRoot)
          }
          expect(genesisWriteSet(chain.state.toAlloc()).stateRoot).toBe(chain.state.stateRoot())
        },
      ),
      { numRuns: 8 },
    )
  })
})
