import type { Chain } from '../chain.js'
import type { NodeMetrics } from './nodeMetrics.js'

/**
 * Measures each block's execution (`chain.executor.executeBlock`) and commit (`chain.store.commitBlock`)
 * into `metrics`, by wrapping those two methods on this chain's own executor and store objects (nothing
 * else sees the wrappers). An interim until `Chain` reports its stage times itself (the block-sealing
 * split of issue [bft]); returns a function that puts the original methods back.
 */
export function measureBlockStages(chain: Chain, metrics: NodeMetrics): () => void {
  const executor = chain.executor
  const store = chain.store
  const execute = executor.executeBlock
  const commit = store.commitBlock
  executor.executeBlock = async function (this: typeof executor, ...args) {
    const started = performance.now()
    try {
      return await execute.apply(this, args)
    } finally {
      metrics.observeStages({ execution: (performance.now() - started) / 1000 })
    }
  }
  store.commitBlock = function (this: typeof store, ...args) {
    const started = performance.now()
    try {
      return commit.apply(this, args)
    } finally {
      metrics.observeStages({ commit: (performance.now() - started) / 1000 })
    }
  }
  return () => {
    executor.executeBlock = execute
    store.commitBlock = commit
  }
}
