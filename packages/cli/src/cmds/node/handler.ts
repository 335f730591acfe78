import { mkdirSync } from 'node:fs'
import { nodeKinds } from '../../mesh/kinds.js'
import { readNodeFile } from '../../mesh/plan.js'
import { type RPCExposureSettings, rpcExposureLines } from '../../mesh/rpcExposure.js'
import type { NodeStartOptions } from './options.js'

/**
 * Runs one node in the foreground until SIGINT/SIGTERM with the node binaries' process wrapper (chain's
 * `runNode`, re-exported by spn and mainnet): logs (pino JSON) go to stderr; with --json, one line
 * `{"event":"ready",…}` goes to stdout when RPC is up (`mesh up` spawns exactly this and waits for that
 * line), else a few lines for a person.
 */
export async function nodeStartHandler(options: NodeStartOptions): Promise<number> {
  const file = readNodeFile(options.config)
  const dataDir = file.config.dataDir as string
  mkdirSync(dataDir, { recursive: true })
  const { runNode } =
    file.kind === 'spn' ? await import('@rollup-mesh/spn') : await import('@rollup-mesh/mainnet')
  return runNode({
    name: file.network,
    level: (file.config.logLevel as 'info' | undefined) ?? 'info',
    start: async (logger) => {
      const node = await nodeKinds[file.kind].start(file.config, logger)
      return {
        node,
        ready: {
          network: file.network,
          kind: file.kind,
          rpcUrl: node.rpcUrl,
          wsUrl: node.wsUrl,
          ...(node.settlement ? { settlement: node.settlement } : {}),
        },
      }
    },
    ...(options.json
      ? {}
      : {
          announce: (ready: Record<string, unknown>) =>
            `${file.network} (${file.kind}) running\n  RPC  ${ready.rpcUrl}\n  WS   ${ready.wsUrl}\n  data ${dataDir}\n${rpcExposureLines(
              {
                ...((file.config.rpc as RPCExposureSettings | undefined) ?? {}),
                dev: file.config.dev as boolean | undefined,
              },
            )
              .map((l) => `  ${l}\n`)
              .join('')}Ctrl-C stops it.\n`,
        }),
  })
}
