import type { Hex } from 'viem'
import { mnemonicToAccount, privateKeyToAddress } from 'viem/accounts'
import { InvalidParameterError } from './errors/common.js'

/** The mnemonic anvil, hardhat and supersim derive their dev accounts from. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'

export type DevAccount = { index: number; address: Hex; privateKey: Hex }

/**
 * The dev accounts anvil prints (BIP-44 path m/44'/60'/0'/0/i), so keys users
 * already know work on every network of the mesh.
 */
export function devAccounts(count = 10, mnemonic = DEV_MNEMONIC): DevAccount[] {
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new InvalidParameterError({ param: 'count', expected: 'an integer from 1 to 1000', got: count })
  }
  // The seed (PBKDF2, 2,048 rounds) once, at the parent of the addresses (m/44'/60'/0'/0); each account is
  // one child step from it. Per-account `mnemonicToAccount` redid the seed every time: ~40 s for 520 keys
  // on a loaded machine, at every validator's start.
  const parent = mnemonicToAccount(mnemonic, { path: "m/44'/60'/0'/0" }).getHdKey()
  return Array.from({ length: count }, (_, index) => {
    const key = parent.deriveChild(index).privateKey
    if (!key) throw new InvalidParameterError({ param: 'mnemonic', expected: 'a BIP-39 mnemonic' })
    const privateKey = `0x${Buffer.from(key).toString('hex')}` as Hex
    return { index, address: privateKeyToAddress(privateKey), privateKey }
  })
}
