import type { BlockContext, StateView } from '@rollup-mesh/core'
import { type Address, type Hex, hexToBytes } from 'viem'
import { DualVmEVM } from '../evm/dualEvm.js'
import { blockHashLookup, toEthBlock } from '../executor/serial.js'
import { runTransaction } from '../executor/transaction.js'
import { JournaledState } from '../state/journal.js'
import { revertReasonOf } from './callTracer.js'
import { type CallRequest, callAsTransaction } from './callTx.js'
import { TraceNotRunError } from './errors.js'
import type { TraceEnvironment } from './traceBlock.js'

export type AccessListEntry = { address: Address; storageKeys: Hex[] }

export type CreateAccessListParameters = TraceEnvironment &
  CallRequest & {
    header: BlockContext
    state: StateView
  }

/** geth's `eth_createAccessList` result; `error` when the call fails with the list. */
export type CreateAccessListResult = { accessList: AccessListEntry[]; gasUsed: bigint; error?: string }

/** At most this many runs before the list is taken as it is (each run can only add entries). */
const MAX_RUNS = 8

type List = Map<Address, Set<Hex>>

function toList(entries: CallRequest['accessList']): List {
  const list: List = new Map()
  for (const e of entries ?? []) {
    const slots = list.get(e.address.toLowerCase() as Address) ?? new Set()
    for (const k of e.storageKeys) slots.add(k.toLowerCase() as Hex)
    list.set(e.address.toLowerCase() as Address, slots)
  }
  return list
}

function toEntries(list: List): AccessListEntry[] {
  return [...list.keys()].sort().map((address) => ({
    address,
    storageKeys: [...(list.get(address) as Set<Hex>)].sort(),
  }))
}

/**
 * The access list a call would use (geth's `eth_createAccessList`): the call runs as a transaction, every
 * address and slot it touches is recorded, and it runs again with that list until the list stops
 * growing; `gasUsed` is the gas of the last run, with the list. The sender, the recipient and the
 * precompiles are left out unless their storage was touched (geth's rule; a creation's new address too).
 *
 * @example
 * ```ts
 * import assert from 'node:assert'
 * import { createAccessList, createMemoryState } from '@rollup-mesh/dual-vm'
 *
 * // PUSH1 0 SLOAD STOP: reads slot 0
 * const contract = '0x00000000000000000000000000000000000c0de1'
 * const state = createMemoryState({ [contract]: { code: '0x60005400' } })
 * const header = {
 *   number: 1n,
 *   timestamp: 1_700_000_000n,
 *   coinbase: '0x000000000000000000000000000000000000c0de',
 *   baseFeePerGas: 1n,
 *   gasLimit: 30_000_000n,
 *   chainId: 1n,
 *   prevRandao: `0x${'00'.repeat(32)}`,
 * }
 * const { accessList } = await createAccessList({ header, state, to: contract })
 * assert.deepEqual(accessList, [{ address: contract, storageKeys: [`0x${'00'.repeat(32)}`] }])
 * ```
 */
export async function createAccessList(params: CreateAccessListParameters): Promise<CreateAccessListResult> {
  let list = toList(params.accessList)
  for (let run = 0; ; run++) {
    const { tx, header } = callAsTransaction(
      { ...params, accessList: toEntries(list) },
      params.header,
      params.state,
    )
    const journal = new JournaledState(params.state)
    const evm = new DualVmEVM({
      chainId: header.chainId,
      state: journal,
      wasm: params.wasm,
      blockHash: blockHashLookup(header),
      precompiles: params.precompiles,
    })
    evm.journal.startReportingAccessList()
    // The journal drops its reference at the end of the transaction (cleanup): keep ours.
    const recorded = evm.journal.accessList ?? new Map<string, Set<string>>()
    const outcome = await runTransaction(
      {
        evm,
        header,
        ethBlock: toEthBlock(header),
        gasRemaining: header.gasLimit,
        cumulativeGasUsed: 0n,
        index: 0,
      },
      tx,
    )
    if (!outcome.included) throw new TraceNotRunError(outcome.reason)
    const receipt = outcome.receipt
    const excluded = new Set<string>([tx.from, ...evm.precompileAddresses().map((a) => `0x${a}`)])
    if (tx.to) excluded.add(tx.to)
    if (receipt.contractAddress) excluded.add(receipt.contractAddress)
    let grew = false
    for (const [bare, slots] of recorded) {
      const address = `0x${bare}` as Address
      if (excluded.has(address) && slots.size === 0) continue
      let own = list.get(address)
      if (!own) {
        own = new Set()
        list.set(address, own)
        grew = true
      }
      for (const slot of slots) {
        const key = `0x${slot.padStart(64, '0')}` as Hex
        if (!own.has(key)) {
          own.add(key)
          grew = true
        }
      }
    }
    if (!grew || run + 1 >= MAX_RUNS) {
      const result: CreateAccessListResult = { accessList: toEntries(list), gasUsed: receipt.gasUsed }
      if (receipt.status === 0) {
        const reason = revertReasonOf(hexToBytes(receipt.revertData))
        result.error = reason === undefined ? 'execution reverted' : `execution reverted: ${reason}`
      }
      return result
    }
    list = new Map([...list].map(([a, s]) => [a, new Set(s)]))
  }
}
