import { parseAbi } from 'viem'
import { describe, expect, it } from 'vitest'
import {
  formatResult,
  parseArg,
  parseEtherInput,
  parseUserAbi,
  readFunctions,
  writeFunctions,
} from '../../src/app/lib/contractReader.js'
import { KNOWN_CONTRACTS } from '../../src/app/lib/knownContracts.js'

describe('the contract page logic', () => {
  it('lists the read functions of an ABI only', () => {
    const abi = parseAbi([
      'function balanceOf(address owner) view returns (uint256)',
      'function transfer(address to, uint256 value) returns (bool)',
      'function decimals() pure returns (uint8)',
      'event Transfer(address indexed from, address indexed to, uint256 value)',
    ])
    expect(readFunctions(abi).map((f) => f.name)).toEqual(['balanceOf', 'decimals'])
    expect(readFunctions(KNOWN_CONTRACTS.spn['0x0000000000000000000000000000000000002001']!.abi).length).toBe(
      7,
    )
  })

  it('reads a pasted ABI as JSON, an artifact or human-readable lines', () => {
    const json = '[{"type":"function","name":"x","stateMutability":"view","inputs":[],"outputs":[]}]'
    expect(parseUserAbi(json)).toHaveLength(1)
    expect(parseUserAbi(`{"abi": ${json}}`)).toHaveLength(1)
    expect(
      parseUserAbi('function a() view returns (uint256)\n\nfunction b(uint8) view returns (bool)'),
    ).toHaveLength(2)
    expect(() => parseUserAbi('{"nope": 1}')).toThrow(/abi/)
  })

  it('parses typed arguments and names the one that is wrong', () => {
    const p = (type: string) => ({ type, name: 'v' })
    expect(parseArg(p('uint64'), ' 12 ')).toBe(12n)
    expect(parseArg(p('int256'), '-3')).toBe(-3n)
    expect(parseArg(p('uint256'), '0x10')).toBe(16n)
    expect(parseArg(p('bool'), 'true')).toBe(true)
    expect(parseArg(p('bytes32'), `0x${'ab'.repeat(32)}`)).toBe(`0x${'ab'.repeat(32)}`)
    expect(parseArg(p('uint64[]'), '["1", 2]')).toEqual([1n, 2])
    expect(() => parseArg(p('uint8'), '-1')).toThrow('v: expected a non-negative integer')
    expect(() => parseArg(p('uint8'), 'x')).toThrow('v: expected an integer')
    expect(() => parseArg(p('address'), '0x12')).toThrow('v: expected an address')
    expect(() => parseArg(p('bytes32'), '0xab')).toThrow('v: expected 32 bytes of hex')
    expect(() => parseArg(p('bool'), 'yes')).toThrow('v: expected true or false')
  })

  it('formats results', () => {
    expect(formatResult(5n)).toBe('5')
    expect(formatResult([1n, true, '0xab'])).toBe('["1",true,"0xab"]')
    expect(formatResult('0x01')).toBe('0x01')
  })
})

describe('Write Contract logic', () => {
  it('lists the write functions and parses ETH amounts', () => {
    const abi = parseAbi([
      'function balanceOf(address owner) view returns (uint256)',
      'function transfer(address to, uint256 value) returns (bool)',
      'function deposit() payable',
    ])
    expect(writeFunctions(abi).map((f) => f.name)).toEqual(['transfer', 'deposit'])
    expect(parseEtherInput('1.5')).toBe(15n * 10n ** 17n)
    expect(parseEtherInput('')).toBe(0n)
    expect(parseEtherInput('0.000000000000000001')).toBe(1n)
    expect(() => parseEtherInput('1e18')).toThrow('value: expected an amount of ETH')
  })
})
