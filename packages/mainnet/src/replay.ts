import {
  BlockCertificates,
  type NodeReplayOptions,
  type ReplayDifference,
  type ReplayReport,
  replayChain,
  type StoredHeader,
  withReplayStores,
} from '@rollup-mesh/chain'
import {
  decodeCommitCertificate,
  type ValidatorSchedule,
  verifyCommitCertificate,
} from '@rollup-mesh/consensus'
import { BaseError } from '@rollup-mesh/core'
import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type MainnetConfigInput, parseMainnetConfig } from './config.js'
import { mainnetValidators } from './consensus/validatorSetup.js'
import { SETTLEMENT_VK_HASH } from './contracts.generated.js'
import { mainnetPrecompiles } from './mainnetPrecompiles.js'
import { mainnetGenesisAlloc } from './node.js'

/** What `replayMainnet` takes: the main net's node config, and where and how far to replay. */
export type MainnetReplayOptions = NodeReplayOptions<MainnetConfigInput>

/**
 * The `certificate` difference of a stored block, if any: its commit certificate must be stored, be for
 * this block's hash, and verify against the validator set of its height (chain id, height, block hash,
 * every signature, more than 2/3 of the power).
 */
export function certificateDifferences(
  stored: StoredHeader,
  certificates: BlockCertificates,
  schedule: ValidatorSchedule,
  chainId: number,
): ReplayDifference[] {
  const row = certificates.get(stored.number)
  const differs = (got: string, expected: string): ReplayDifference[] => [
    { field: 'certificate', stored: got, replayed: expected },
  ]
  if (!row) return differs('none', `a commit certificate of block ${stored.hash}`)
  if (row.hash.toLowerCase() !== stored.hash.toLowerCase())
    return differs(`stored for block ${row.hash}`, `for block ${stored.hash}`)
  try {
    const cert = decodeCommitCertificate(row.certificate)
    const set = schedule.setAt(Number(stored.number))
    verifyCommitCertificate(cert, set, { chainId, height: Number(stored.number), blockHash: stored.hash })
    return []
  } catch (err) {
    const what = err instanceof BaseError ? `${err.code}: ${err.shortMessage}` : String(err)
    return differs(what, `valid for validator set ${schedule.setAt(Number(stored.number)).hash}`)
  }
}

/**
 * Replays a main net's stored chain from genesis (chain's `replayChain`) with what the main-net node executes
 * blocks with: the serial executor (its `evm` engine) with the main net's precompiles and the genesis of its config (dev
 * accounts, system contracts, `alloc`). Besides every root, each block's commit certificate is verified
 * against the validator set of its height, as governance changed it (`certificateDifferences`): the first block whose execution or
 * certificate differs is named with the field (`stateRoot`, …, `certificate`). The data dir is only read.
 *
 * @example
 * ```ts
 * import { replayMainnet } from '@rollup-mesh/mainnet'
 *
 * const report = await replayMainnet({ config: JSON.parse(readFileSync('.mesh/mainnet/node.json', 'utf8')).config })
 * report.ok ? console.log(`${report.blocks.length} blocks match`) : console.log(report.firstDifference)
 * ```
 */
export async function replayMainnet(options: MainnetReplayOptions): Promise<ReplayReport> {
  const config = parseMainnetConfig(options.config)
  return withReplayStores(config.dataDir, options.scratchDir, async ({ source, scratch }) => {
    const certificates = new BlockCertificates(source)
    // the validator sets as governance changed them, from the stored chain's own governance events
    const { schedule, governed } = mainnetValidators(config)
    governed.replay({ store: source })
    return await replayChain({
      source,
      scratch,
      executor: createSerialExecutor({ precompiles: mainnetPrecompiles(config), evm: config.evm }),
      chainId: BigInt(config.chainId),
      genesis: genesisWriteSet(mainnetGenesisAlloc(config, SETTLEMENT_VK_HASH)),
      checkBlock: (stored) => certificateDifferences(stored, certificates, schedule, config.chainId),
      ...(options.onBlock ? { onBlock: options.onBlock } : {}),
      ...(options.toBlock !== undefined ? { toBlock: options.toBlock } : {}),
    })
  })
}
