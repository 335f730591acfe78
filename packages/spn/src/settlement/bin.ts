#!/usr/bin/env node
import '@rollup-mesh/core/polyfill'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BaseError, createLogger } from '@rollup-mesh/core'
import { bytesToHex } from 'viem'
import { parseSPNConfig, type SPNConfigInput } from '../config.js'
import { createSPNNode } from '../node.js'
import { numericSpnId, parseSettlementConfig } from './config.js'
import { SPN_MAILBOX_ADDRESS, SPNExitTree, spnMailboxGenesisAccount } from './exitTree.js'
import { createSettlementService } from './service.js'

/**
 * `node packages/spn/dist/settlement/bin.js --config <file>`: an SPN with the Mailbox system contract, the
 * exit tree in its headers and the settlement service. The config is the SPN's plus a `settlement` section
 * (`mainnetRpcUrl`, `operatorKey`, ...). Prints one JSON line `{"event":"ready", rpcUrl, wsUrl, settlement:
 * {spnId, operator, measurement, simulatedRoot, genesisStateRoot, mailbox}}` and writes it to
 * `<dataDir>/settlement.json`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true })
  if (!values.config) {
    process.stderr.write('usage: spn-settling --config <file.json>\n')
    process.exit(2)
  }
  const raw = JSON.parse(readFileSync(resolve(values.config), 'utf8')) as Record<string, unknown>
  const { settlement: rawSettlement, ...spnRaw } = raw
  const settlementConfig = parseSettlementConfig(rawSettlement)
  const base = parseSPNConfig(spnRaw)
  const id = numericSpnId(base.spnId, settlementConfig.id)
  const alloc = { ...((spnRaw.alloc as Record<string, unknown> | undefined) ?? {}) }
  const mailbox = spnMailboxGenesisAccount(id)
  alloc[SPN_MAILBOX_ADDRESS] = { code: mailbox.code, storage: mailbox.storage }
  const config = { ...spnRaw, alloc } as SPNConfigInput
  const logger = createLogger({ level: base.logLevel, name: base.spnId, destination: process.stderr })
  const node = createSPNNode({ config, logger })
  const exitTree = new SPNExitTree(node.chain.store.db, id, logger)
  exitTree.attach(node.chain)
  await node.start()
  const service = createSettlementService({
    chain: node.chain,
    exitTree,
    dataDir: base.dataDir,
    spnId: id,
    mainnetRpcUrl: settlementConfig.mainnetRpcUrl,
    mainnetChainId: settlementConfig.mainnetChainId,
    operatorKey: settlementConfig.operatorKey,
    intervalMs: settlementConfig.intervalMs,
    pollMs: settlementConfig.pollMs,
    ...(settlementConfig.settlementAddress ? { settlementAddress: settlementConfig.settlementAddress } : {}),
    ...(settlementConfig.executorDir ? { executorDir: settlementConfig.executorDir } : {}),
    executorConfig: { executor: base.executor, chainId: base.chainId, spnId: id.toString() },
    logger,
  })
  await service.start()
  const enclave = service.enclave
  const info = {
    spnId: id.toString(),
    operator: service.operator,
    measurement: enclave ? bytesToHex(enclave.measurement) : undefined,
    simulatedRoot: enclave ? bytesToHex(enclave.rootCertificateDer) : undefined,
    genesisStateRoot: node.chain.store.getHeaderByNumber(0n)?.stateRoot,
    mailbox: SPN_MAILBOX_ADDRESS,
  }
  writeFileSync(join(base.dataDir, 'settlement.json'), `${JSON.stringify(info)}\n`)
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', spnId: base.spnId, rpcUrl: node.rpcUrl, wsUrl: node.wsUrl, pid: process.pid, settlement: info })}\n`,
  )
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    service
      .stop()
      .then(() => node.stop())
      .then(
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
