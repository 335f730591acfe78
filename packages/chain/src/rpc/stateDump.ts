import { gunzipSync, gzipSync } from 'node:zlib'
import { type AccountState, EMPTY_CODE_HASH, type WriteSet } from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes, isAddress, keccak256, numberToHex } from 'viem'
import type { Chain } from '../chain.js'
import { normSlot } from '../storeRows.js'
import { expectCount, invalidParam, paramHex } from './params.js'
import type { RPCMethods } from './server.js'

/** One account of a state dump, as anvil writes it (`vm` is ours: absent for EVM accounts). */
export type DumpedAccount = {
  nonce: number
  balance: Hex
  code: Hex
  storage: Record<Hex, Hex>
  vm?: 'wasm'
}

/**
 * A state dump: anvil's `SerializableState` shape. Ours carries `accounts` and the head's number, and
 * `block: null` (anvil's loader requires the field; null leaves its block environment as it is); anvil's
 * own `blocks`, `transactions` and block environment are ignored when we load one.
 */
export type StateDump = {
  block?: unknown
  best_block_number?: number | null
  accounts: Record<Address, DumpedAccount>
}

/** Every account of the head state with its code and storage (the state commitment, which has no account row, is left out). */
export function dumpChainState(chain: Chain): StateDump {
  const accounts: Record<Address, DumpedAccount> = {}
  for (const [address, acc] of chain.store.allAccounts()) {
    const code = acc.codeHash === EMPTY_CODE_HASH ? undefined : chain.store.readCode(acc.codeHash)
    const storage: Record<Hex, Hex> = {}
    for (const [slot, value] of chain.store.storageOf(address)) storage[slot] = value
    accounts[address] = {
      nonce: Number(acc.nonce),
      balance: numberToHex(acc.balance),
      code: code ? (`0x${Buffer.from(code).toString('hex')}` as Hex) : '0x',
      storage,
      ...(acc.vm === 'wasm' ? { vm: 'wasm' as const } : {}),
    }
  }
  return { block: null, best_block_number: Number(chain.head().number), accounts }
}

/** A dump as `anvil_dumpState` answers it: the hex of gzipped JSON. */
export function encodeStateDump(dump: StateDump): Hex {
  return `0x${gzipSync(JSON.stringify(dump)).toString('hex')}` as Hex
}

/** Parses what `anvil_dumpState` (anvil's or ours) answered: hex of gzipped or plain JSON, or the JSON itself. */
export function decodeStateDump(input: Hex | string | object, argIndex = 0): StateDump {
  let parsed: unknown = input
  if (typeof input === 'string') {
    const text = input.startsWith('0x') ? unzipMaybe(Buffer.from(input.slice(2), 'hex')) : input
    try {
      parsed = JSON.parse(text)
    } catch {
      throw invalidParam(argIndex, 'a state dump: hex of gzipped JSON as anvil_dumpState answers')
    }
  }
  const accounts = (parsed as { accounts?: unknown } | null)?.accounts
  if (typeof accounts !== 'object' || accounts === null)
    throw invalidParam(argIndex, 'a state dump with an `accounts` object')
  for (const [address, acc] of Object.entries(accounts)) {
    const a = acc as Partial<DumpedAccount>
    const ok =
      isAddress(address, { strict: false }) &&
      typeof a === 'object' &&
      (typeof a.nonce === 'number' || typeof a.nonce === 'string') &&
      typeof a.balance === 'string' &&
      (a.code === undefined || (typeof a.code === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(a.code))) &&
      (a.storage === undefined || typeof a.storage === 'object')
    if (!ok)
      throw invalidParam(
        argIndex,
        `a state dump whose account ${address} has nonce (number), balance (hex), code (hex) and storage (object)`,
      )
  }
  return parsed as StateDump
}

function unzipMaybe(bytes: Buffer): string {
  try {
    return gunzipSync(bytes).toString('utf8')
  } catch {
    return bytes.toString('utf8')
  }
}

/** The write set that loads a dump over the current state (accounts replaced, listed slots written). */
export function stateDumpWriteSet(dump: StateDump): WriteSet {
  const ws: WriteSet = { accounts: new Map(), storage: new Map(), code: new Map() }
  for (const [address, a] of Object.entries(dump.accounts)) {
    const addr = address.toLowerCase() as Address
    const code = a.code && a.code !== '0x' ? hexToBytes(a.code) : undefined
    const codeHash = code ? keccak256(code) : EMPTY_CODE_HASH
    if (code) ws.code.set(codeHash, code)
    const account: AccountState = {
      nonce: BigInt(a.nonce),
      balance: BigInt(a.balance),
      codeHash,
      vm: a.vm === 'wasm' ? 'wasm' : 'evm',
    }
    ws.accounts.set(addr, account)
    const slots = new Map<Hex, Hex>()
    for (const [slot, value] of Object.entries(a.storage ?? {}))
      slots.set(normSlot(slot as Hex), normSlot(value as Hex))
    if (slots.size) ws.storage.set(addr, slots)
  }
  return ws
}

/**
 * `anvil_dumpState` (the head state's accounts, code and storage as hex of gzipped JSON, anvil's format) and
 * `anvil_loadState` (merges such a dump, anvil's or ours, into the head state: true), with the `hardhat_`
 * names. Only a dev network registers them (`config.dev`).
 *
 * @example
 * ```ts
 * const dump = await a.anvil_dumpState([], {}) // '0x1f8b…'
 * await b.anvil_loadState([dump], {}) // true: b now holds a's accounts, code and storage
 * ```
 */
export function createStateDumpMethods(chain: Chain): RPCMethods {
  const dump = (p: readonly unknown[]) => {
    expectCount(p, 0, 1)
    return encodeStateDump(dumpChainState(chain))
  }
  const load = async (p: readonly unknown[]) => {
    expectCount(p, 1, 1)
    const parsed = decodeStateDump(paramHex(p, 0))
    await chain.writeState(stateDumpWriteSet(parsed))
    return true
  }
  return { anvil_dumpState: dump, hardhat_dumpState: dump, anvil_loadState: load, hardhat_loadState: load }
}
