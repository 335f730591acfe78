import { type AccountState, EMPTY_CODE_HASH, type StateView, type WriteSet } from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes, keccak256 } from 'viem'
import type { Chain } from '../chain.js'
import { normSlot } from '../storeRows.js'
import { expectCount, invalidParam, paramAddress, paramHex, paramSlot } from './params.js'
import type { RPCMethods } from './server.js'

const U256_MAX = (1n << 256n) - 1n

/** A 256-bit value as anvil takes it: hex (leading zeros allowed, up to 32 bytes) or a decimal string. */
function paramU256(params: readonly unknown[], i: number, what: string): bigint {
  const v = params[i]
  const bad = () => invalidParam(i, `${what}: a hex quantity or decimal string of at most 256 bits`)
  if (typeof v !== 'string') throw bad()
  if (!/^0x[0-9a-fA-F]{1,64}$/.test(v) && !/^[0-9]{1,78}$/.test(v)) throw bad()
  const n = BigInt(v)
  if (n > U256_MAX) throw bad()
  return n
}

const emptyAccount = (): AccountState => ({ nonce: 0n, balance: 0n, codeHash: EMPTY_CODE_HASH, vm: 'evm' })

const writeSetOf = (
  accounts: [Address, AccountState][] = [],
  storage: [Address, Hex, Hex][] = [],
  code: [Hex, Uint8Array][] = [],
): WriteSet => {
  const ws: WriteSet = { accounts: new Map(accounts), storage: new Map(), code: new Map(code) }
  for (const [a, slot, value] of storage) {
    const slots = ws.storage.get(a) ?? new Map<Hex, Hex>()
    ws.storage.set(a, slots)
    slots.set(slot, value)
  }
  return ws
}

/**
 * anvil's state-editing dev methods (and their `hardhat_` names), writing the head state outside any block
 * through `Chain.writeState`: `anvil_setBalance`, `anvil_setCode`, `anvil_setNonce` (answer `null`) and
 * `anvil_setStorageAt` (answers `true`), with anvil's parameters. Reads at older blocks still see the
 * values of their time. Only a dev network registers them (`config.dev`).
 *
 * @example
 * ```ts
 * const methods = { ...createEthMethods(chain), ...createDevStateMethods(chain) }
 * await methods.anvil_setBalance(['0x…', '0xde0b6b3a7640000'], {}) // null
 * await methods.eth_getBalance(['0x…', 'latest'], {}) // '0xde0b6b3a7640000'
 * ```
 */
export function createDevStateMethods(chain: Chain): RPCMethods {
  const account = (state: StateView, a: Address): AccountState => state.getAccount(a) ?? emptyAccount()

  const setBalance = async (p: readonly unknown[]) => {
    expectCount(p, 2, 2)
    const a = paramAddress(p, 0)
    const balance = paramU256(p, 1, 'the balance in wei')
    await chain.writeState((s) => writeSetOf([[a, { ...account(s, a), balance }]]))
    return null
  }
  const setNonce = async (p: readonly unknown[]) => {
    expectCount(p, 2, 2)
    const a = paramAddress(p, 0)
    const nonce = paramU256(p, 1, 'the nonce')
    if (nonce >= 1n << 64n) throw invalidParam(1, 'the nonce: at most 2^64 - 1')
    await chain.writeState((s) => writeSetOf([[a, { ...account(s, a), nonce }]]))
    return null
  }
  const setCode = async (p: readonly unknown[]) => {
    expectCount(p, 2, 2)
    const a = paramAddress(p, 0)
    const code = paramHex(p, 1)
    const bytes = hexToBytes(code)
    const codeHash = bytes.length === 0 ? EMPTY_CODE_HASH : keccak256(bytes)
    await chain.writeState((s) =>
      writeSetOf(
        [[a, { ...account(s, a), codeHash, vm: 'evm' }]],
        [],
        bytes.length ? [[codeHash, bytes]] : [],
      ),
    )
    return null
  }
  const setStorageAt = async (p: readonly unknown[]) => {
    expectCount(p, 3, 3)
    const a = paramAddress(p, 0)
    const slot = paramSlot(p, 1)
    const value = paramHex(p, 2, 32)
    await chain.writeState(writeSetOf([], [[a, normSlot(slot), value]]))
    return true
  }
  return {
    anvil_setBalance: setBalance,
    hardhat_setBalance: setBalance,
    anvil_setNonce: setNonce,
    hardhat_setNonce: setNonce,
    anvil_setCode: setCode,
    hardhat_setCode: setCode,
    anvil_setStorageAt: setStorageAt,
    hardhat_setStorageAt: setStorageAt,
  }
}
