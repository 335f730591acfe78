import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { replayMainnet } from '@rollup-mesh/mainnet'
import type { replaySPN } from '@rollup-mesh/spn'
import { MeshCliError } from '../../errors.js'
import { readNodeFile } from '../../mesh/plan.js'
import { createOut, table } from '../../output.js'
import type { NodeReplayOptions } from './options.js'

/**
 * `mesh node replay --config node.json`: re-executes every stored block of the node's data dir from genesis
 * in a scratch directory (spn's `replaySPN`; mainnet's `replayMainnet`, which also verifies every block's
 * commit certificate against the validator set of its height) and compares each block's transactions root, state root,
 * receipts root, exit root, logs bloom and gas used with the stored header, naming the first block that
 * differs. Exit code 0 when every block matches, 1 when one differs. The data dir is only read (the node
 * may be running: blocks up to its head when the replay starts are replayed).
 *
 * @example
 * ```sh
 * mesh node replay --config .mesh/spn1/node.json          # a summary table; exit code 0 or 1
 * mesh node replay --config .mesh/spn1/node.json --json   # one JSON object
 * ```
 */
export async function nodeReplayHandler(options: NodeReplayOptions): Promise<number> {
  const out = createOut(options.json)
  const file = readNodeFile(options.config)
  let scratchDir: string | undefined
  if (options.scratch !== undefined) {
    scratchDir = resolve(options.scratch)
    if (existsSync(scratchDir) && readdirSync(scratchDir).length > 0)
      throw new MeshCliError(`Scratch directory ${scratchDir} is not empty.`, {
        code: 'REPLAY_SCRATCH_NOT_EMPTY',
        metaMessages: ['- Name a new or empty directory, or leave out --scratch for a temporary one.'],
      })
    mkdirSync(scratchDir, { recursive: true })
  }
  const started = performance.now()
  let lastProgress = started
  const replayOptions = {
    ...(scratchDir ? { scratchDir } : {}),
    ...(options.toBlock !== undefined ? { toBlock: BigInt(options.toBlock) } : {}),
    onBlock: (b: { number: bigint }) => {
      const now = performance.now()
      if (now - lastProgress < 2_000) return
      lastProgress = now
      out.progress(`replayed block ${b.number}`)
    },
  }
  // the main net also verifies each block's commit certificate against the validator set of its height
  const report =
    file.kind === 'mainnet'
      ? await (await import('@rollup-mesh/mainnet')).replayMainnet({
          config: file.config as Parameters<typeof replayMainnet>[0]['config'],
          ...replayOptions,
        })
      : await (await import('@rollup-mesh/spn')).replaySPN({
          config: file.config as Parameters<typeof replaySPN>[0]['config'],
          ...replayOptions,
        })
  const ms = Math.round(performance.now() - started)
  const first = report.firstDifference
  if (out.json) {
    out.result({
      ok: report.ok,
      network: file.network,
      head: report.head,
      blocks: report.blocks.length,
      txs: report.txs,
      ms,
      devWrites: report.devWrites,
      ...(report.genesisMismatch ? { genesisMismatch: report.genesisMismatch } : {}),
      ...(first ? { firstDifference: first } : {}),
    })
    return report.ok ? 0 : 1
  }
  out.line(
    table(
      ['network', 'blocks', 'txs', 'seconds', 'result'],
      [
        [
          file.network,
          `${report.blocks.length} of ${report.head}`,
          String(report.txs),
          (ms / 1000).toFixed(1),
          report.ok ? 'every block matches' : first ? `block ${first.number} differs` : 'genesis differs',
        ],
      ],
    ),
  )
  if (report.genesisMismatch)
    out.line(
      `\nGenesis state root: stored ${report.genesisMismatch.stored}, from the config ${report.genesisMismatch.replayed}.\n- Is this the config the data dir was created with?`,
    )
  if (first) {
    out.line(`\nFirst differing block: ${first.number} (${first.txs} txs)`)
    out.line(
      table(
        ['field', 'stored', 'replayed'],
        first.differences.map((d) => [d.field, d.stored, d.replayed]),
      ),
    )
  }
  if (report.devWrites)
    out.line(
      '\nNote: this data dir holds writes outside blocks (dev methods such as anvil_setBalance); no block replays them, so blocks after them may differ.',
    )
  return report.ok ? 0 : 1
}
