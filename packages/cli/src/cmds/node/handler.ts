import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger } from '@rollup-mesh/core'
import { nodeKinds } from '../../mesh/kinds.js'
import { readNodeFile } from '../../mesh/plan.js'
import type { NodeStartOptions } from './options.js'

/**
 * Runs one node in the foreground until SIGINT/SIGTERM. Logs (pino JSON) go to
 * stderr. With --json, one line `{"event":"ready",…}` goes to stdout when RPC
 * is up: `mesh up` spawns exactly this and waits for that line.
 */
export async function nodeStartHandler(options: NodeStartOptions): Promise<number> {
  const file = readNodeFile(options.config)
  const dataDir = file.config.dataDir as string
  mkdirSync(dataDir, { recursive: true })
  const level = (file.config.logLevel as 'info' | undefined) ?? 'info'
  const logger = createLogger({ level, name: file.network, destination: process.stderr })
  const node = await nodeKinds[file.kind].start(file.config, logger)
  const ready = {
    event: 'ready',
    network: file.network,
    kind: file.kind,
    rpcUrl: node.rpcUrl,
    wsUrl: node.wsUrl,
    pid: process.pid,
    ...(node.settlement ? { settlement: node.settlement } : {}),
  }
  // As spn's bin: what governance registers on the main net, also in <dataDir>/settlement.json.
  if (node.settlement) writeFileSync(join(dataDir, 'settlement.json'), `${JSON.stringify(node.settlement)}\n`)
  if (options.json) process.stdout.write(`${JSON.stringify(ready)}\n`)
  else
    process.stdout.write(
      `${file.network} (${file.kind}) running\n  RPC  ${node.rpcUrl}\n  WS   ${node.wsUrl}\n  data ${dataDir}\nCtrl-C stops it.\n`,
    )
  await new Promise<void>((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      logger.info({ signal }, 'stopping')
      node.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'stop failed')
        process.exit(1)
      })
    }
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
  })
  process.exit(0)
}
