import type { Logger } from '@rollup-mesh/core'
import { createSilentLogger } from '@rollup-mesh/core'
import {
  type Address,
  type Hex,
  keccak256,
  numberToHex,
  type PrivateKeyAccount,
  type TransactionSerializable,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { StoredHeader } from '../block.js'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import { effectiveTip, minBig } from '../fees.js'
import { impersonatedTx } from '../impersonatedTx.js'
import { logsOfBlock } from '../sealedBlock.js'
import { isDepositRaw, signedTxWithSender } from '../tx.js'
import { createBlockStateResolver } from './blockState.js'
import { callIntrinsicGas, estimateCallGas, simulateRPCCall } from './callGas.js'
import { formatHead, formatLog, formatTx } from './format.js'
import type { Impersonation } from './impersonation.js'
import { logMatches } from './logFilter.js'
import {
  type BlockRef,
  expectCount,
  paramAddress,
  paramBlock,
  paramBool,
  paramCall,
  paramHex,
  paramLogFilter,
  paramQuantity,
  paramSlot,
} from './params.js'
import { createReadMethods, defaultReadLimits } from './readMethods.js'
import { headerOfRef } from './readSource.js'
import { revertError } from './revert.js'
import type { RPCContext, RPCMethods } from './server.js'

export type EthMethodsOptions = {
  clientVersion?: string
  /** Keys `eth_accounts` lists and `eth_sendTransaction` signs with (anvil's dev accounts). */
  devKeys?: readonly Hex[]
  /** A dev network; false leaves `eth_sendTransaction` out (the node signs nothing). Default true. */
  dev?: boolean
  /** Widest block range one eth_getLogs may ask for. Default 10,000. */
  maxLogRange?: bigint
  /** Most logs one eth_getLogs returns. Default 10,000. */
  maxLogResults?: number
  /**
   * Senders `eth_sendTransaction` accepts unsigned (a dev network's `anvil_impersonateAccount`); when given,
   * anvil's `eth_sendUnsignedTransaction` exists too.
   */
  impersonation?: Impersonation
  /** Suggested priority fee (eth_maxPriorityFeePerGas). Default 1 gwei. */
  priorityFee?: bigint
  /** Gas cap of eth_call / eth_estimateGas. Default min(block gas limit, 2^24). */
  callGasCap?: bigint
  logger?: Logger
}

const q = (n: bigint | number): Hex => numberToHex(n)

/**
 * The block a call runs at: as given, or with no block the pending one (the context of the block the
 * transaction would land in, as anvil and hardhat estimate: number, timestamp, base fee of the next block).
 */
const callBlock = (p: readonly unknown[], i: number): BlockRef =>
  p[i] === undefined || p[i] === null ? { tag: 'pending' } : paramBlock(p, i)

/**
 * The `eth_`/`net_`/`web3_` methods over a `Chain`. Node-specific
 * namespaces (`mesh_`) are merged in by the node.
 */
export function createEthMethods(chain: Chain, options: EthMethodsOptions = {}): RPCMethods {
  const _log = (options.logger ?? createSilentLogger()).child({ module: 'eth' })
  const maxLogRange = options.maxLogRange ?? defaultReadLimits.maxLogRange
  const maxLogResults = options.maxLogResults ?? defaultReadLimits.maxLogResults
  const priorityFee = options.priorityFee ?? 1_000_000_000n
  const maxTxGas = 1n << 24n
  const callGasCap = options.callGasCap ?? minBig(chain.blockGasLimit, maxTxGas)
  const dev = new Map<Address, PrivateKeyAccount>()
  for (const key of options.devKeys ?? []) {
    const acct = privateKeyToAccount(key)
    dev.set(acct.address.toLowerCase() as Address, acct)
  }
  const subscriptions = new Map<Hex, () => void>()
  let subCounter = 0n

  const headerOf = (ref: BlockRef): StoredHeader | undefined => headerOfRef(chain, ref)
  const stateAt = createBlockStateResolver(chain)

  const sendRaw = async (raw: Hex): Promise<Hex> => {
    const hash = await chain.mempool.add(raw)
    return hash
  }

  /**
   * `eth_sendTransaction` (signed with a dev account's key, or unsigned from an impersonated sender) and, on
   * a dev network, anvil's `eth_sendUnsignedTransaction` (`unsigned`: any sender, no key).
   */
  const sendTransaction = async (p: readonly unknown[], unsigned: boolean): Promise<Hex> => {
    expectCount(p, 1, 1)
    const call = paramCall(p, 0)
    if (!call.from)
      throw new RPCError(RPCErrorCode.invalidParams, 'invalid argument 0: field "from" is required')
    const from = call.from
    const acct = unsigned ? undefined : dev.get(from)
    if (!acct && !unsigned && options.impersonation?.has(from) !== true)
      throw new RPCError(
        RPCErrorCode.server,
        `unknown account ${from}: only the node's dev accounts can sign`,
        options.impersonation
          ? { metaMessages: [`- Impersonate it first: anvil_impersonateAccount ["${from}"].`] }
          : {},
      )
    // Estimated in the context of the block it will land in (next number, timestamp and base fee).
    const gas = call.gas ?? (await estimateCallGas(chain, stateAt({ tag: 'pending' }, 0), call, callGasCap))
    const base = {
      chainId: Number(chain.chainId),
      nonce: Number(call.nonce ?? chain.mempool.pendingNonce(from)),
      gas,
      value: call.value ?? 0n,
      data: call.data ?? '0x',
      ...(call.to ? { to: call.to } : {}),
    }
    const tx: TransactionSerializable =
      call.gasPrice !== undefined
        ? { ...base, type: 'legacy', gasPrice: call.gasPrice }
        : {
            ...base,
            type: 'eip1559',
            maxPriorityFeePerGas: call.maxPriorityFeePerGas ?? priorityFee,
            maxFeePerGas:
              call.maxFeePerGas ?? chain.nextBaseFee() * 2n + (call.maxPriorityFeePerGas ?? priorityFee),
          }
    if (acct) return sendRaw(await acct.signTransaction(tx))
    // Impersonated: unsigned, with the sender as given (no recovery); persisted with it like any pool tx.
    const impersonated = impersonatedTx(tx, from, chain.chainId)
    chain.mempool.insert(impersonated)
    await chain.mempool.flush()
    return impersonated.hash
  }

  const methods: RPCMethods = {
    ...createReadMethods(chain, { maxLogRange, maxLogResults, pool: chain.mempool }),
    web3_clientVersion: () => options.clientVersion ?? 'rollup-mesh/0.1.0',
    web3_sha3: (p) => {
      expectCount(p, 1, 1)
      return keccak256(paramHex(p, 0))
    },
    net_version: () => chain.chainId.toString(),
    net_listening: () => true,
    eth_chainId: () => q(chain.chainId),
    eth_syncing: () => false,
    eth_blockNumber: () => q(chain.head().number),
    eth_accounts: () => [...dev.keys()], // lower-case, as anvil answers
    eth_coinbase: () => chain.head().coinbase,
    eth_hashrate: () => '0x0', // no proof of work; anvil answers the same
    eth_gasPrice: () => q(chain.nextBaseFee() + priorityFee),
    eth_maxPriorityFeePerGas: () => q(priorityFee),

    eth_getBalance: (p) => {
      expectCount(p, 1, 2)
      const a = paramAddress(p, 0)
      return q(stateAt(paramBlock(p, 1), 1).state.getAccount(a)?.balance ?? 0n)
    },
    eth_getTransactionCount: (p) => {
      expectCount(p, 1, 2)
      const a = paramAddress(p, 0)
      const ref = paramBlock(p, 1)
      if ('tag' in ref && ref.tag === 'pending') return q(chain.mempool.pendingNonce(a))
      return q(stateAt(ref, 1).state.getAccount(a)?.nonce ?? 0n)
    },
    eth_getCode: (p) => {
      expectCount(p, 1, 2)
      const a = paramAddress(p, 0)
      const { state } = stateAt(paramBlock(p, 1), 1)
      const acc = state.getAccount(a)
      if (!acc) return '0x'
      const code = state.getCode(acc.codeHash)
      return code ? (`0x${Buffer.from(code).toString('hex')}` as Hex) : '0x'
    },
    eth_getStorageAt: (p) => {
      expectCount(p, 2, 3)
      const a = paramAddress(p, 0)
      const slot = paramSlot(p, 1)
      return stateAt(paramBlock(p, 2), 2).state.getStorage(a, slot)
    },
    eth_call: async (p) => {
      expectCount(p, 1, 3)
      const call = paramCall(p, 0)
      const at = stateAt(callBlock(p, 1), 1)
      if (p[2] !== undefined && p[2] !== null)
        throw new RPCError(
          RPCErrorCode.invalidParams,
          'invalid argument 2: state overrides are not supported',
        )
      const intrinsic = callIntrinsicGas(call)
      const gas = minBig(call.gas ?? callGasCap, callGasCap)
      const r = await simulateRPCCall(chain, at, call, gas > intrinsic ? gas - intrinsic : 0n)
      if (!r.success) throw revertError(r.returnData, r.error)
      return r.returnData
    },
    eth_estimateGas: async (p) => {
      expectCount(p, 1, 2)
      const call = paramCall(p, 0)
      return q(await estimateCallGas(chain, stateAt(callBlock(p, 1), 1), call, callGasCap))
    },
    eth_feeHistory: (p) => {
      expectCount(p, 2, 3)
      const count = typeof p[0] === 'number' ? BigInt(p[0]) : paramQuantity(p, 0)
      if (count < 1n || count > 1024n)
        throw new RPCError(RPCErrorCode.invalidParams, 'invalid argument 0: block count must be 1 to 1024')
      const newest = headerOf(paramBlock(p, 1))
      if (!newest) throw new RPCError(RPCErrorCode.server, 'header not found')
      const percentiles = p[2] ?? []
      if (!Array.isArray(percentiles) || percentiles.some((x) => typeof x !== 'number' || x < 0 || x > 100))
        throw new RPCError(
          RPCErrorCode.invalidParams,
          'invalid argument 2: reward percentiles must be numbers 0..100',
        )
      const oldest = newest.number - count + 1n > 0n ? newest.number - count + 1n : 0n
      const baseFees: Hex[] = []
      const ratios: number[] = []
      const rewards: Hex[][] = []
      for (let n = oldest; n <= newest.number; n++) {
        const h = chain.store.getHeaderByNumber(n) as StoredHeader
        baseFees.push(q(h.baseFeePerGas))
        ratios.push(Number(h.gasUsed) / Number(h.gasLimit))
        if (percentiles.length) {
          const tips = chain.store
            .getBlockTxs(n)
            .filter((t) => !isDepositRaw(t.raw)) // deposits pay no fee
            .map((t) => {
              const tx = signedTxWithSender(t.raw, chain.chainId, t.from)
              return effectiveTip(tx, h.baseFeePerGas)
            })
            .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          rewards.push(
            (percentiles as number[]).map((pc) =>
              q(
                tips.length
                  ? (tips[Math.min(tips.length - 1, Math.floor((pc / 100) * tips.length))] as bigint)
                  : 0n,
              ),
            ),
          )
        }
      }
      const last = chain.store.getHeaderByNumber(newest.number) as StoredHeader
      baseFees.push(q(newest.number === chain.head().number ? chain.nextBaseFee() : last.baseFeePerGas))
      return {
        oldestBlock: q(oldest),
        baseFeePerGas: baseFees,
        gasUsedRatio: ratios,
        ...(percentiles.length ? { reward: rewards } : {}),
      }
    },
    eth_sendRawTransaction: async (p) => {
      expectCount(p, 1, 1)
      if (typeof p[0] !== 'string')
        throw new RPCError(RPCErrorCode.invalidParams, 'invalid argument 0: expected 0x-prefixed hex bytes')
      return sendRaw(p[0] as Hex)
    },
    eth_sendTransaction: (p) => sendTransaction(p, false),
    eth_subscribe: (p, ctx: RPCContext) => {
      const conn = ctx.connection
      if (!conn)
        throw new RPCError(
          RPCErrorCode.methodNotFound,
          'the method eth_subscribe is only available over WebSocket',
        )
      expectCount(p, 1, 2)
      const kind = p[0]
      subCounter++
      const id = q(BigInt(conn.id) * 1_000_000n + subCounter)
      let off: () => void
      if (kind === 'newHeads') {
        off = chain.events.on('block', (b) =>
          conn.notify('eth_subscription', { subscription: id, result: formatHead(b.header) }),
        )
      } else if (kind === 'logs') {
        const f = paramLogFilter(p, 1)
        off = chain.events.on('block', (b) => {
          for (const l of logsOfBlock(b))
            if (logMatches(l, f)) conn.notify('eth_subscription', { subscription: id, result: formatLog(l) })
        })
      } else if (kind === 'newPendingTransactions') {
        // geth's optional second argument: full transaction objects instead of hashes
        const full = paramBool(p, 1, false)
        off = chain.mempool.events.on('tx', (tx) =>
          conn.notify('eth_subscription', { subscription: id, result: full ? formatTx(tx, null) : tx.hash }),
        )
      } else
        throw new RPCError(
          RPCErrorCode.invalidParams,
          'invalid argument 0: expected "newHeads", "logs" or "newPendingTransactions"',
        )
      subscriptions.set(id, off)
      conn.onClose(() => {
        off()
        subscriptions.delete(id)
      })
      return id
    },
    eth_unsubscribe: (p, ctx) => {
      if (!ctx.connection)
        throw new RPCError(
          RPCErrorCode.methodNotFound,
          'the method eth_unsubscribe is only available over WebSocket',
        )
      expectCount(p, 1, 1)
      const id = paramHex(p, 0)
      const off = subscriptions.get(id)
      if (!off) return false
      off()
      subscriptions.delete(id)
      return true
    },
  }
  if (options.dev === false) Reflect.deleteProperty(methods, 'eth_sendTransaction')
  if (options.impersonation) methods.eth_sendUnsignedTransaction = (p) => sendTransaction(p, true) // anvil's: any sender, dev only
  return methods
}
