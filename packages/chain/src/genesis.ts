import type { WriteSet } from '@rollup-mesh/core'
import { type Hex, zeroAddress, zeroHash } from 'viem'
import { type BlockHeader, EMPTY_BLOOM, receiptsRootOf, transactionsRootOf } from './block.js'

/** The genesis block's state and header fields. */
export type GenesisSpec = {
  /** The write set that creates the genesis state (dual-vm's `genesisWriteSet`). */
  writeSet: WriteSet
  stateRoot: Hex
  timestamp?: bigint
  baseFeePerGas?: bigint
  extraData?: Hex
}

/** The header of block 0: the genesis state root, no transactions, `gasLimit`, and the spec's fields. */
export function genesisHeader(genesis: GenesisSpec, gasLimit: bigint): BlockHeader {
  return {
    parentHash: zeroHash,
    number: 0n,
    timestamp: genesis.timestamp ?? BigInt(Math.floor(Date.now() / 1000)),
    coinbase: zeroAddress,
    stateRoot: genesis.stateRoot,
    transactionsRoot: transactionsRootOf([]),
    receiptsRoot: receiptsRootOf([]),
    logsBloom: EMPTY_BLOOM,
    gasUsed: 0n,
    gasLimit,
    baseFeePerGas: genesis.baseFeePerGas ?? 1_000_000_000n,
    exitRoot: zeroHash,
    extraData: genesis.extraData ?? '0x',
  }
}
