import { type Address, bytesToHex, concatHex, type Hex, hexToBytes, keccak256, numberToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import {
  type CustomPrecompile,
  createMemoryState,
  createSerialExecutor,
  simulateCall,
} from '../../src/index.js'
import { alice, makeHeader, makeTx } from './helpers.js'

const PRECOMPILE: Address = '0x0000000000000000000000000000000000000a01'
const CALLER: Address = '0x00000000000000000000000000000000000c0de1'

/** Returns keccak256(input) ‖ timestamp (32 bytes each); costs 1,000 + 10 per input byte. */
const hashWithTime: CustomPrecompile = (input, { timestamp }) => ({
  returnData: hexToBytes(concatHex([keccak256(input), numberToHex(timestamp, { size: 32 })])),
  gasUsed: 1_000n + 10n * BigInt(input.length),
})

/**
 * Runtime code: copies calldata to memory, STATICCALLs the precompile with all the gas it has, and returns
 * `success ‖ returndata` (or reverts with nothing when the call failed and calldata byte 0 is 0xff).
 */
function callerCode(target: Address): Hex {
  const t = target.slice(2)
  return `0x${[
    '36', // CALLDATASIZE
    '5f', // PUSH0 (offset)
    '5f', // PUSH0 (dest)
    '37', // CALLDATACOPY
    '5f', // PUSH0 retSize
    '5f', // PUSH0 retOffset
    '36', // CALLDATASIZE argsSize
    '5f', // PUSH0 argsOffset
    `73${t}`, // PUSH20 target
    '5a', // GAS
    'fa', // STATICCALL -> success
    '5f', // PUSH0
    '52', // MSTORE success at 0
    '3d', // RETURNDATASIZE
    '5f', // PUSH0
    '6020', // PUSH1 32
    '3e', // RETURNDATACOPY to 32
    '3d', // RETURNDATASIZE
    '6020', // PUSH1 32
    '01', // ADD
    '5f', // PUSH0
    'f3', // RETURN
  ].join('')}` as Hex
}

describe('custom precompiles', () => {
  const precompiles = new Map([[PRECOMPILE, hashWithTime]])

  it('simulateCall reaches a custom precompile with its input, gas and the block timestamp', async () => {
    const state = createMemoryState({})
    const header = makeHeader(5n, { timestamp: 1_234_567n })
    const result = await simulateCall({ header, state, to: PRECOMPILE, data: '0xdeadbeef', precompiles })
    expect(result.success).toBe(true)
    expect(result.returnData).toBe(
      concatHex([keccak256('0xdeadbeef'), numberToHex(1_234_567n, { size: 32 })]),
    )
    expect(result.gasUsed).toBe(1_040n)
  })

  it('without the option the address is an empty account (no precompile)', async () => {
    const state = createMemoryState({})
    const result = await simulateCall({ header: makeHeader(1n), state, to: PRECOMPILE, data: '0xdeadbeef' })
    expect(result.success).toBe(true)
    expect(result.returnData).toBe('0x')
  })

  it('a contract STATICCALLs it inside a block of the serial executor; gas counts in the receipt', async () => {
    const alloc = { [alice]: { balance: 10n ** 20n }, [CALLER]: { code: callerCode(PRECOMPILE) } }
    const run = async (withPrecompile: boolean) => {
      const executor = createSerialExecutor(withPrecompile ? { precompiles } : {})
      const header = makeHeader(1n, { timestamp: 99n })
      const tx = makeTx({ from: alice, to: CALLER, data: `0x${'ab'.repeat(64)}`, gas: 200_000n })
      return executor.executeBlock({ header, txs: [tx] }, createMemoryState(alloc))
    }
    const withIt = await run(true)
    const without = await run(false)
    expect(withIt.receipts[0]?.status).toBe(1)
    // 1,000 + 10 per input byte, plus copying and storing the 64 returned bytes (memory, RETURNDATACOPY),
    // minus 2,500: like every precompile it is warm from the transaction's start (100 instead of the
    // 2,600 a cold empty account costs).
    const extra = withIt.receipts[0]!.gasUsed - without.receipts[0]!.gasUsed
    expect(extra).toBeGreaterThanOrEqual(1_640n - 2_500n)
    expect(extra).toBeLessThan(1_640n - 2_500n + 40n)
    // The executor is deterministic with the precompile: same block, same root.
    expect((await run(true)).stateRoot).toBe(withIt.stateRoot)
  })

  it('returns what the contract sees: success flag and data', async () => {
    const state = createMemoryState({ [CALLER]: { code: callerCode(PRECOMPILE) } })
    const header = makeHeader(3n, { timestamp: 7n })
    const result = await simulateCall({ header, state, to: CALLER, data: '0x01', precompiles })
    expect(result.success).toBe(true)
    const out = hexToBytes(result.returnData)
    expect(out[31]).toBe(1)
    expect(bytesToHex(out.subarray(32, 64))).toBe(keccak256('0x01'))
    expect(BigInt(bytesToHex(out.subarray(64, 96)))).toBe(7n)
  })

  it('gas above the limit, or outOfGas, is an out-of-gas failure that consumes the call gas', async () => {
    const state = createMemoryState({ [CALLER]: { code: callerCode(PRECOMPILE) } })
    const header = makeHeader(1n)
    const direct = await simulateCall({ header, state, to: PRECOMPILE, data: '0x00', gas: 500n, precompiles })
    expect(direct.success).toBe(false)
    expect(direct.gasUsed).toBe(500n)
    const refusing = new Map([
      [PRECOMPILE, () => ({ returnData: new Uint8Array(), gasUsed: 1n, outOfGas: true })],
    ])
    const viaContract = await simulateCall({ header, state, to: CALLER, data: '0x00', precompiles: refusing })
    // The inner STATICCALL fails (flag 0) and the caller still returns.
    expect(viaContract.success).toBe(true)
    expect(hexToBytes(viaContract.returnData)[31]).toBe(0)
  })
})
