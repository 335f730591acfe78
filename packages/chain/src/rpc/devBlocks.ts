import { nextTurn } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { BlockTimestampError } from '../blockClock.js'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import { expectCount, invalidParam } from './params.js'
import type { RPCMethods } from './server.js'

/** The most blocks one `anvil_mine` / `hardhat_mine` / `evm_mine` call seals. */
export const MAX_MINED_BLOCKS = 100_000

/**
 * A non-negative integer as anvil's dev methods take it: a JSON number or a hex quantity. `what` names the
 * argument in the error.
 */
function paramInteger(params: readonly unknown[], i: number, what: string): bigint {
  const v = params[i]
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v)
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(v)) return BigInt(v)
  throw invalidParam(i, `${what}: a non-negative integer (a JSON number or a 0x hex quantity)`)
}

function blockCount(params: readonly unknown[], i: number): bigint {
  if (params[i] === undefined || params[i] === null) return 1n
  const n = paramInteger(params, i, 'the number of blocks')
  if (n > BigInt(MAX_MINED_BLOCKS)) throw invalidParam(i, `at most ${MAX_MINED_BLOCKS} blocks per call`)
  return n
}

/** A clock error as JSON-RPC's invalid params (what anvil answers for a timestamp in the past). */
async function timestampChecked<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f()
  } catch (err) {
    if (err instanceof BlockTimestampError) throw new RPCError(RPCErrorCode.invalidParams, err.shortMessage)
    throw err
  }
}

/**
 * Mines `count` blocks through the chain's one sealing path (after any block in progress, never overlapping
 * it): the first at `first` (or the clock's next timestamp), each later one `interval` seconds after the one
 * before (or the clock's next).
 */
async function mine(chain: Chain, count: bigint, first?: bigint, interval?: bigint): Promise<void> {
  let timestamp = first
  for (let i = 0n; i < count; i++) {
    const block = await chain.mineBlock(timestamp !== undefined ? { timestamp } : {})
    timestamp = interval !== undefined ? block.header.timestamp + interval : undefined
    // Let I/O in between blocks: sealing resolves without I/O, so a long run would starve RPC for minutes.
    await nextTurn()
  }
}

/**
 * The block-production and time dev methods of anvil (and their `hardhat_`/`evm_` names), on a dev network
 * only (`config.dev`). Shapes follow anvil 1.x: `evm_mine` answers `"0x0"`, `anvil_mine` / `hardhat_mine`
 * `null`, `evm_increaseTime` the total offset in seconds as a number. One difference, by design: a block's
 * timestamp must exceed its parent's (anvil lets `evm_setNextBlockTimestamp` repeat the parent's).
 *
 * @example
 * ```ts
 * import { createDevBlockMethods, createEthMethods, createRPCServer } from '@rollup-mesh/chain'
 *
 * const rpc = createRPCServer({ ...createEthMethods(chain), ...createDevBlockMethods(chain) })
 * await rpc.start()
 * // curl -d '{"jsonrpc":"2.0","id":1,"method":"anvil_mine","params":["0x10","0x3c"]}' <rpc.url>
 * //   → 16 blocks, one minute apart
 * ```
 */
export function createDevBlockMethods(chain: Chain): RPCMethods {
  const mineMany = async (p: readonly unknown[]): Promise<null> => {
    expectCount(p, 0, 2)
    const count = blockCount(p, 0)
    let interval: bigint | undefined
    // 0 (viem's hardhat-mode default) means none: each block takes the clock's next timestamp
    if (p[1] !== undefined && p[1] !== null)
      interval = paramInteger(p, 1, 'the interval in seconds') || undefined
    await timestampChecked(() => mine(chain, count, undefined, interval))
    return null
  }
  const setNext = async (p: readonly unknown[]): Promise<null> => {
    expectCount(p, 1, 1)
    const timestamp = paramInteger(p, 0, 'the timestamp in seconds')
    await timestampChecked(() => chain.clock.setNextTimestamp(timestamp, chain.head().timestamp))
    return null
  }
  return {
    evm_mine: async (p): Promise<Hex> => {
      expectCount(p, 0, 1)
      const arg = p[0]
      let timestamp: bigint | undefined
      let count = 1n
      if (arg !== undefined && arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
        const o = arg as Record<string, unknown>
        if (o.timestamp !== undefined && o.timestamp !== null)
          timestamp = paramInteger([o.timestamp], 0, 'timestamp')
        count = blockCount([o.blocks], 0)
      } else if (arg !== undefined && arg !== null) timestamp = paramInteger(p, 0, 'the timestamp in seconds')
      await timestampChecked(() => mine(chain, count, timestamp))
      return '0x0'
    },
    anvil_mine: mineMany,
    hardhat_mine: mineMany,
    evm_increaseTime: (p) => {
      expectCount(p, 1, 1)
      return Number(chain.clock.increaseTime(paramInteger(p, 0, 'the seconds to add')))
    },
    evm_setNextBlockTimestamp: setNext,
    anvil_setNextBlockTimestamp: setNext,
    anvil_setBlockTimestampInterval: (p) => {
      expectCount(p, 1, 1)
      const seconds = paramInteger(p, 0, 'the interval in seconds')
      if (seconds === 0n)
        throw invalidParam(0, 'an interval of at least 1 second (block timestamps strictly increase)')
      chain.clock.setInterval(seconds)
      return null
    },
    anvil_removeBlockTimestampInterval: (p) => {
      expectCount(p, 0, 0)
      return chain.clock.setInterval(undefined)
    },
  }
}
