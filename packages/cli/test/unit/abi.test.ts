import { describe, expect, it } from 'vitest'
import { parseAmount, parseArg, parseArgs, resolveAccount, resolveFunction } from '../../src/contracts/abi.js'

const erc20 = [
  {
    type: 'function',
    name: 'balanceOf',
    stateMutability: 'view',
    inputs: [{ name: 'owner', type: 'address' }],
    outputs: [{ name: '', type: 'uint256' }],
  },
] as const

describe('function signatures and arguments', () => {
  it('parses cast-style signatures, with and without outputs', () => {
    const a = resolveFunction('balanceOf(address)', undefined, 1)
    expect(a.inputs.map((i) => i.type)).toEqual(['address'])
    expect(a.outputs).toEqual([])
    const b = resolveFunction('balanceOf(address)(uint256)', undefined, 1)
    expect(b.outputs.map((o) => o.type)).toEqual(['uint256'])
    const c = resolveFunction('function f((uint256,address)[] xs) returns (bool)', undefined, 1)
    expect(c.inputs[0]!.type).toBe('tuple[]')
  })

  it('finds a function by name in an ABI, or says which exist', () => {
    expect(resolveFunction('balanceOf', erc20, 1).outputs).toHaveLength(1)
    expect(() => resolveFunction('transfer', erc20, 2)).toThrowError(/Functions: balanceOf\(address\)/)
    expect(() => resolveFunction('balanceOf', undefined, 1)).toThrowError(/not a signature/)
  })

  it('turns arguments into ABI values with clear errors', () => {
    expect(parseArg({ type: 'uint256' }, '1ether')).toBe(10n ** 18n)
    expect(parseArg({ type: 'uint256' }, '0x10')).toBe(16n)
    expect(parseArg({ type: 'bool' }, 'true')).toBe(true)
    expect(parseArg({ type: 'uint8[]' }, '[1,2]')).toEqual([1n, 2n])
    expect(() => parseArg({ type: 'address', name: 'to' }, '0x12')).toThrowError(/to \(address\).*20-byte/)
    expect(() => parseArgs([{ type: 'uint256' }], [], 'transfer')).toThrowError(/takes 1 argument/)
    expect(parseAmount('2.5gwei')).toBe(2_500_000_000n)
    expect(() => parseAmount('lots')).toThrowError(/not an amount/)
  })

  it('signs as a dev account by index, address or key', () => {
    expect(resolveAccount(undefined).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
    expect(resolveAccount('1').address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    expect(resolveAccount('0x70997970c51812dc3a010c7d01b50e0d17dc79c8').address).toBe(
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    )
    expect(() => resolveAccount('12')).toThrowError(/0–9/)
  })
})
