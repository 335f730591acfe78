import { type NodeReplayOptions, type ReplayReport, replayChain, withReplayStores } from '@rollup-mesh/chain'
import { createSerialExecutor, createWasmEngine, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { parseSPNConfig, type SPNConfigInput } from './config.js'
import { spnPrecompiles } from './delivery/precompile.js'
import { spnGenesisAlloc, spnNumericId } from './node.js'
import { SPNExitTree } from './settlement/exitTree.js'

/** What `replaySPN` takes: the SPN's node config, and where and how far to replay. */
export type SPNReplayOptions = NodeReplayOptions<SPNConfigInput>

/**
 * Replays an SPN's stored chain from genesis (chain's `replayChain`) with what an SPN executes blocks with:
 * the serial executor with WASM and the exit-proof precompile, the genesis of its config (dev accounts,
 * Mailbox, `alloc`), and its exit tree rebuilt over the scratch store, closing each settlement batch after
 * the block the node closed it at, so every header's exit root is recomputed too. Delivery deposits are
 * stored transactions and replay as such. The node's data dir is only read; it may be running.
 *
 * @example
 * ```ts
 * import { replaySPN } from '@rollup-mesh/spn'
 *
 * const report = await replaySPN({ config: JSON.parse(readFileSync('.mesh/spn1/node.json', 'utf8')).config })
 * report.ok ? console.log(`${report.blocks.length} blocks match`) : console.log(report.firstDifference)
 * ```
 */
export async function replaySPN(options: SPNReplayOptions): Promise<ReplayReport> {
  const config = parseSPNConfig(options.config)
  return withReplayStores(config.dataDir, options.scratchDir, async ({ source, scratch }) => {
    const spnId = spnNumericId(config)
    const sourceTree = spnId !== undefined ? new SPNExitTree(source, spnId) : undefined
    const tree = spnId !== undefined ? new SPNExitTree(scratch, spnId) : undefined
    const wasm = createWasmEngine()
    return await replayChain({
      source,
      scratch,
      // the node's engine (and verifyEvm): a replay re-executes what the node ran, as the node runs it
      executor: createSerialExecutor({
        wasm,
        precompiles: spnPrecompiles(),
        evm: config.evm,
        verifyEvm: config.verifyEvm,
      }),
      chainId: BigInt(config.chainId),
      genesis: genesisWriteSet(spnGenesisAlloc(config)),
      ...(tree ? { exitRoot: (block) => tree.onBlock(block) } : {}),
      afterBlock: (n) => {
        if (!tree || !sourceTree) return
        // the settlement service closed the open batch after this block (a full batch closes itself)
        const closed = sourceTree.batch(tree.status.openBatch)
        if (closed?.toBlock === n) tree.closeBatch()
      },
      ...(options.onBlock ? { onBlock: options.onBlock } : {}),
      ...(options.toBlock !== undefined ? { toBlock: options.toBlock } : {}),
    })
  })
}
