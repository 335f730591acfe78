import type { Chain, SealedBlock, StoredHeader } from '@rollup-mesh/chain'
import { type Logger, MAINNET_NETWORK } from '@rollup-mesh/core'
import {
  type Block,
  type P2P,
  type SignedHeader,
  type SyncProvider,
  signHeader,
  signSettlement,
} from '@rollup-mesh/p2p'
import type { Hex } from 'viem'
import { acceptedSettlements } from './gossip.js'

/** Maps a chain header to the p2p header fields (the chain's hashes and roots, the p2p field names). */
export function toP2PHeader(h: StoredHeader): Omit<SignedHeader, 'signature'> {
  return {
    number: h.number,
    parentHash: h.parentHash,
    stateRoot: h.stateRoot,
    txRoot: h.transactionsRoot,
    receiptsRoot: h.receiptsRoot,
    exitRoot: h.exitRoot,
    timestamp: h.timestamp,
    gasLimit: h.gasLimit,
    gasUsed: h.gasUsed,
    baseFee: h.baseFeePerGas,
  }
}

/** The validator's side of the main net's p2p: signed headers, their gossip and header/block sync. */
export type HeaderGossip = {
  /** The signed p2p header of a block (what is gossiped on `/rollup-mesh/1/mainnet/headers`). */
  signedHeader(number: bigint): Promise<SignedHeader | undefined>
  /** What peers catching up are served. */
  syncProvider: Pick<SyncProvider, 'getHeaders' | 'getBlocks'>
}

/**
 * Signs every sealed block's header with the validator key and publishes it on the main net's header
 * topic, and every accepted settlement on its settlement topic, while `p2p()` is started; serves signed
 * headers and blocks to peers that sync.
 */
export function createHeaderGossip(parts: {
  chain: Chain
  validatorKey: Hex
  p2p: () => P2P | undefined
  logger: Logger
  /** Whether this node publishes its signed headers now (default always; the main net: while a validator). */
  signs?: () => boolean
}): HeaderGossip {
  const { chain, validatorKey, logger } = parts
  const signedHeader = async (number: bigint): Promise<SignedHeader | undefined> => {
    const h = chain.store.getHeaderByNumber(number)
    if (!h) return undefined
    return signHeader(MAINNET_NETWORK, toP2PHeader(h), validatorKey)
  }
  const publish = (block: SealedBlock): void => {
    const net = parts.p2p()
    if (!net?.isStarted() || parts.signs?.() === false) return
    const number = Number(block.header.number)
    signHeader(MAINNET_NETWORK, toP2PHeader(block.header), validatorKey)
      .then((header) => net.publishHeader(MAINNET_NETWORK, header))
      .catch((err: unknown) => logger.debug({ err, block: number }, 'header not published'))
    for (const settlement of acceptedSettlements(block))
      signSettlement(MAINNET_NETWORK, settlement, validatorKey)
        .then((signed) => net.publishSettlement(MAINNET_NETWORK, signed))
        .then(() =>
          logger.info({ block: number, spnId: Number(settlement.spnId) }, 'accepted settlement gossiped'),
        )
        .catch((err: unknown) => logger.debug({ err, block: number }, 'settlement not published'))
  }
  chain.events.on('block', publish)
  return {
    signedHeader,
    syncProvider: {
      getHeaders: async (network: string, from: bigint, count: number) => {
        const out: SignedHeader[] = []
        if (network !== MAINNET_NETWORK) return out
        for (let n = from; n < from + BigInt(count); n++) {
          const h = await signedHeader(n)
          if (!h) break
          out.push(h)
        }
        return out
      },
      getBlocks: async (network: string, from: bigint, count: number) => {
        const out: Block[] = []
        if (network !== MAINNET_NETWORK) return out
        for (let n = from; n < from + BigInt(count); n++) {
          const h = await signedHeader(n)
          if (!h) break
          out.push({ header: h, txs: chain.store.getBlockTxs(n).map((t) => t.raw) })
        }
        return out
      },
    },
  }
}
