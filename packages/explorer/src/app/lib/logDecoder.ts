import { type Abi, type AbiEvent, decodeEventLog, type Hex, toEventSelector } from 'viem'
import { KNOWN_EVENTS } from './knownAbis.js'
import type { RPCLog } from './types.js'

/** A log decoded against a known ABI: the contract kind, the event and its arguments as text. */
export type DecodedLog = { abi: string; event: string; args: [name: string, value: string][] }

const bySelector = new Map<string, { abi: string; event: AbiEvent }[]>()
for (const [abi, events] of Object.entries(KNOWN_EVENTS))
  for (const event of events as readonly AbiEvent[]) {
    const selector = toEventSelector(event)
    bySelector.set(selector, [...(bySelector.get(selector) ?? []), { abi, event }])
  }

const text = (v: unknown): string =>
  typeof v === 'bigint' ? v.toString() : Array.isArray(v) ? `[${v.map(text).join(', ')}]` : String(v)

/**
 * Decodes a log with the emitting contract's own ABI when the page has it (`deployed`: what `mesh deploy`
 * recorded), else with the first known event whose selector and shape match; undefined when none does
 * (the page then shows its raw topics and data).
 *
 * @example
 * decodeLog(receipt.logs[0]) // { abi: 'ERC-20', event: 'Transfer', args: [['from', '0x…'], ['to', '0x…'], ['value', '5']] }
 * decodeLog(log, { name: 'Token', abi }) // { abi: 'Token', event: 'Minted', … }
 */
export function decodeLog(log: RPCLog, deployed?: { name: string; abi: Abi }): DecodedLog | undefined {
  const topic0 = log.topics[0]?.toLowerCase()
  if (!topic0) return undefined
  const own = (deployed?.abi ?? [])
    .filter((i): i is AbiEvent => i.type === 'event')
    .filter((event) => toEventSelector(event) === topic0)
    .map((event) => ({ abi: deployed!.name, event }))
  for (const { abi, event } of [...own, ...(bySelector.get(topic0) ?? [])]) {
    try {
      const decoded = decodeEventLog({
        abi: [event],
        topics: log.topics as [Hex, ...Hex[]],
        data: log.data as Hex,
        strict: true,
      })
      const args = decoded.args as unknown as Record<string, unknown>
      return {
        abi,
        event: event.name,
        args: event.inputs.map((input, i) => [input.name ?? `arg${i}`, text(args[input.name ?? i])]),
      }
    } catch {
      // same selector, other indexing (an ERC-721 Transfer is not an ERC-20 one): try the next
    }
  }
  return undefined
}
