import { mnemonicToAccount, privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { devAccounts, InvalidParameterError } from '../../src/index.js'

describe('devAccounts', () => {
  it("derives anvil's well-known accounts", () => {
    const accounts = devAccounts()
    expect(accounts).toHaveLength(10)
    expect(accounts[0]).toEqual({
      index: 0,
      address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    })
    expect(accounts[9]!.address).toBe('0xa0Ee7A142d267C1f36714E4a8F75612F20a79720')
    for (const a of accounts) expect(privateKeyToAddress(a.privateKey)).toBe(a.address)
  })

  it("matches viem's own per-account derivation far down the list (the seed is derived once)", () => {
    const accounts = devAccounts(520)
    for (const index of [1, 255, 519]) {
      const viaViem = mnemonicToAccount('test test test test test test test test test test test junk', {
        addressIndex: index,
      })
      expect(accounts[index]!.address).toBe(viaViem.address)
    }
  })

  it('rejects a silly count', () => {
    expect(() => devAccounts(0)).toThrow(InvalidParameterError)
  })
})
