import { type AccountState, EMPTY_CODE_HASH, type StateView, ZERO_WORD } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { bytesHex, quantity } from './hex.js'
import type { PrestateTracerConfig } from './options.js'
import type { TracedRun, Tracer } from './tracedRun.js'

/** One account in geth's `prestateTracer` output. */
export type PrestateAccount = {
  balance?: Hex
  nonce?: number
  code?: Hex
  storage?: Record<Hex, Hex>
}

export type PrestateResult = Record<Address, PrestateAccount>
export type PrestateDiffResult = { pre: PrestateResult; post: PrestateResult }

function accountFields(
  account: AccountState | undefined,
  state: StateView,
  config: PrestateTracerConfig,
): PrestateAccount {
  const out: PrestateAccount = { balance: quantity(account?.balance ?? 0n) }
  if (account && account.nonce > 0n) out.nonce = Number(account.nonce)
  if (!config.disableCode && account && account.codeHash !== EMPTY_CODE_HASH) {
    const code = state.getCode(account.codeHash)
    if (code?.length) out.code = bytesHex(code)
  }
  return out
}

/** Every address the transaction read (accounts and accounts whose storage it read). */
function touched(run: TracedRun): Address[] {
  const all = new Set<Address>([...run.prestate.accounts.keys(), ...run.prestate.storage.keys()])
  return [...all].sort()
}

function prestate(run: TracedRun, config: PrestateTracerConfig): PrestateResult {
  const out: PrestateResult = {}
  const base = run.prestate.base
  for (const address of touched(run)) {
    const entry = accountFields(base.getAccount(address), base, config)
    const slots = run.prestate.storage.get(address)
    if (!config.disableStorage && slots?.size) {
      entry.storage = {}
      for (const slot of [...slots.keys()].sort()) entry.storage[slot] = slots.get(slot) as Hex
    }
    out[address] = entry
  }
  return out
}

function diff(run: TracedRun, config: PrestateTracerConfig): PrestateDiffResult {
  const pre: PrestateResult = {}
  const post: PrestateResult = {}
  const base = run.prestate.base
  const after = run.poststate
  for (const address of touched(run)) {
    const before = base.getAccount(address)
    const now = after.getAccount(address)
    const preEntry = accountFields(before, base, config)
    const postEntry: PrestateAccount = {}
    let modified = false
    if (now) {
      const nowFields = accountFields(now, after, config)
      if (nowFields.balance !== preEntry.balance) postEntry.balance = nowFields.balance as Hex
      if (nowFields.nonce !== preEntry.nonce && nowFields.nonce !== undefined)
        postEntry.nonce = nowFields.nonce
      if (nowFields.code !== preEntry.code && nowFields.code !== undefined) postEntry.code = nowFields.code
      modified = Object.keys(postEntry).length > 0 || (before === undefined) !== (now === undefined)
    } else modified = before !== undefined
    const slots = run.prestate.storage.get(address)
    if (!config.disableStorage && slots?.size) {
      const preStorage: Record<Hex, Hex> = {}
      const postStorage: Record<Hex, Hex> = {}
      for (const slot of [...slots.keys()].sort()) {
        const was = slots.get(slot) as Hex
        const is = now ? after.getStorage(address, slot) : ZERO_WORD
        if (was === is) continue
        modified = true
        if (was !== ZERO_WORD) preStorage[slot] = was
        if (is !== ZERO_WORD) postStorage[slot] = is
      }
      if (Object.keys(preStorage).length) preEntry.storage = preStorage
      if (Object.keys(postStorage).length) postEntry.storage = postStorage
    }
    if (!modified) continue
    // An account the transaction created had no prestate (geth leaves it out of `pre`).
    if (before !== undefined) pre[address] = preEntry
    if (now !== undefined) post[address] = postEntry
  }
  return { pre, post }
}

/**
 * geth's `prestateTracer`: every account the transaction touched as it was before (balance, nonce,
 * code, and the storage slots it read or wrote), or with `diffMode` the accounts it changed, `pre` and
 * `post`, only the fields that changed in `post` (zero slots left out, as geth does). Works for both
 * VMs: it records what the transaction read from the state, whichever VM read it.
 */
export function createPrestateTracer(config: PrestateTracerConfig): Tracer {
  return {
    hooks: {},
    result(run) {
      return config.diffMode ? diff(run, config) : prestate(run, config)
    },
  }
}
