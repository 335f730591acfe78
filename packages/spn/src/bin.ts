#!/usr/bin/env node
import '@rollup-mesh/core/polyfill'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BaseError, createLogger } from '@rollup-mesh/core'
import { bytesToHex } from 'viem'
import { parseSPNConfig, type SPNConfigInput } from './config.js'
import { createSPNNode, spnNumericId } from './node.js'
import { SPN_MAILBOX_ADDRESS } from './settlement/exitTree.js'

/**
 * `node packages/spn/dist/bin.js --config <file>`: runs one SPN. Logs go to
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
    process.stderr.write('usage: spn --config <file.json> [--data-dir <dir>] [--port <n>]\n')
    process.exit(2)
  }
  const raw = JSON.parse(readFileSync(resolve(values.config), 'utf8')) as Record<string, unknown>
  if (values['data-dir']) raw.dataDir = values['data-dir']
  if (values.port) raw.rpc = { ...((raw.rpc as object | undefined) ?? {}), port: Number(values.port) }
  const config = parseSPNConfig(raw)
  const logger = createLogger({ level: config.logLevel, name: config.spnId, destination: process.stderr })
  const node = createSPNNode({ config: raw as SPNConfigInput, logger })
  await node.start()
  // With a `settlement` section: what the SPN must be registered with on the main net.
  const settlement = node.settlement?.enclave
    ? {
        spnId: spnNumericId(config)?.toString(),
        operator: node.settlement.operator,
        measurement: bytesToHex(node.settlement.enclave.measurement),
        simulatedRoot: bytesToHex(node.settlement.enclave.rootCertificateDer),
        genesisStateRoot: node.chain.store.getHeaderByNumber(0n)?.stateRoot,
        mailbox: SPN_MAILBOX_ADDRESS,
      }
    : undefined
  if (settlement) writeFileSync(join(config.dataDir, 'settlement.json'), `${JSON.stringify(settlement)}\n`)
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', spnId: config.spnId, rpcUrl: node.rpcUrl, wsUrl: node.wsUrl, pid: process.pid, peerId: node.p2p?.peerId, multiaddrs: node.p2p?.getMultiaddrs() ?? [], ...(settlement ? { settlement } : {}) })}\n`,
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
