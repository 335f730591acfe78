#!/usr/bin/env node
import '@rollup-mesh/core/polyfill'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BaseError, createLogger } from '@rollup-mesh/core'
import { MAINNET_NETWORK, type MainnetConfigInput, parseMainnetConfig } from './config.js'
import { createMainnetNode } from './node.js'

/**
 * `node packages/mainnet/dist/bin.js --config <file>`: runs the main-net node (single validator). Logs go to
 * stderr; when RPC is up, one JSON line `{"event":"ready","rpcUrl":...}` goes
 * to stdout and `<dataDir>/rpc.json` is written. SIGINT/SIGTERM stop cleanly.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
    },
    strict: true,
  })
  if (!values.config) {
    process.stderr.write('usage: mainnet --config <file.json> [--data-dir <dir>] [--port <n>]\n')
    process.exit(2)
  }
  const raw = JSON.parse(readFileSync(resolve(values.config), 'utf8')) as Record<string, unknown>
  if (values['data-dir']) raw.dataDir = values['data-dir']
  if (values.port) raw.rpc = { ...((raw.rpc as object | undefined) ?? {}), port: Number(values.port) }
  const config = parseMainnetConfig(raw)
  const logger = createLogger({ level: config.logLevel, name: MAINNET_NETWORK, destination: process.stderr })
  const node = createMainnetNode({ config: raw as MainnetConfigInput, logger })
  await node.start()
  process.stdout.write(
    `${JSON.stringify({
      event: 'ready',
      network: MAINNET_NETWORK,
      rpcUrl: node.rpcUrl,
      wsUrl: node.wsUrl,
      peerId: node.p2p?.peerId,
      multiaddrs: node.p2p?.getMultiaddrs() ?? [],
      validator: node.validator,
      pid: process.pid,
    })}\n`,
  )
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof BaseError ? err.message : String((err as Error)?.stack ?? err)}\n`)
  process.exit(1)
})
