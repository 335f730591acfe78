import type { Logger } from '@rollup-mesh/core'
import { hashHeader, type StoredHeader } from './block.js'
import { ChainStoreError } from './errors.js'
import { type GenesisSpec, genesisHeader } from './genesis.js'
import type { ChainStore } from './store.js'

/**
 * Writes genesis into an empty store, or checks the chain id and genesis state root of an existing one;
 * returns the head.
 */
export function openChainStore(
  store: ChainStore,
  args: { chainId: bigint; blockGasLimit: bigint; genesis: GenesisSpec; log: Logger },
): StoredHeader {
  const { chainId, genesis } = args
  const storedChainId = store.getMeta('chainId')
  if (storedChainId !== undefined && storedChainId !== chainId.toString())
    throw new ChainStoreError(`Data dir holds chain id ${storedChainId}, not ${chainId}.`, [
      '- Use the data dir of this chain, or a fresh one.',
    ])
  const head = store.head()
  const storedGenesis = head ? store.getHeaderByNumber(0n) : undefined
  if (storedGenesis && storedGenesis.stateRoot !== genesis.stateRoot)
    throw new ChainStoreError(
      `Data dir holds a chain whose genesis state root is ${storedGenesis.stateRoot}, not ${genesis.stateRoot}.`,
      [
        '- The genesis allocation changed, or the data dir was written by a build with another state-root format.',
        '- Use the data dir of this chain, or a fresh one (`mesh up --fresh`).',
      ],
    )
  if (head) return head
  const header = genesisHeader(genesis, args.blockGasLimit)
  const hash = hashHeader(header)
  store.transaction(() => {
    store.commitBlock({
      header,
      hash,
      txs: [],
      receipts: [],
      writeSet: genesis.writeSet,
      mempoolRemovals: [],
    })
    store.setMeta('chainId', chainId.toString())
    store.setMeta('genesisHash', hash)
  })
  args.log.info({ hash, stateRoot: genesis.stateRoot }, 'genesis written')
  return store.head() as StoredHeader
}
