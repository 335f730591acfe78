import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Chain, ChainStore, settlementSubmitAbi } from '@rollup-mesh/chain'
import { createSilentLogger, devAccounts, TypedEmitter } from '@rollup-mesh/core'
import { encodeFunctionResult, zeroHash } from 'viem'
import { afterEach, describe, expect, it } from 'vitest'
import type { SettlementBatchRange, SPNExitTree } from '../../src/settlement/exitTree.js'
import { createSettlementService, type SettlementService } from '../../src/settlement/service.js'

/**
 * The settlement service against a main net that answers `tipOf` (nothing settled yet) and a stand-in exit
 * tree that records its cuts. Its periodic round is a minute away: only a block event can start one here.
 */
const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

async function fakeMainnet(): Promise<string> {
  const tip = encodeFunctionResult({
    abi: settlementSubmitAbi,
    functionName: 'tipOf',
    result: [0n, 0n, 0n, zeroHash, zeroHash, zeroHash],
  })
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      const calls = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[]
      const answer = (c: { id: number; method: string }) => ({
        jsonrpc: '2.0',
        id: c.id,
        ...(c.method === 'eth_call'
          ? { result: tip }
          : c.method === 'eth_chainId'
            ? { result: '0x384' }
            : { error: { code: -32601, message: `${c.method} not served here` } }),
      })
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(Array.isArray(calls) ? calls.map(answer) : answer(calls)))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('settlement service: cut on exit', () => {
  it('a block that leaves messages in the open batch starts a round at once, not at the next poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-cut-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'executor.js'), 'export {}\n')
    const store = new ChainStore({ path: ':memory:' })
    cleanup.push(() => store.close())
    const events = new TypedEmitter<{ block: { number: bigint; txs: unknown[] } }>({
      onListenerError: (err) => {
        throw err
      },
    })
    const chain = {
      store,
      events,
      snapshots: { oldestBlock: () => undefined },
      mempool: { size: 0 },
    } as unknown as Chain
    let openCount = 0
    const cuts: number[] = []
    const open: SettlementBatchRange = { index: 0, fromBlock: 1n, toBlock: undefined, startFrontier: [] }
    const exitTree = {
      get status() {
        return { openBatch: cuts.length, openCount, processed: 2n, size: openCount }
      },
      batch: (i: number) => (i === cuts.length ? open : undefined),
      closeBatch: () => {
        cuts.push(Date.now())
        openCount = 0
        return { ...open, toBlock: 2n }
      },
      messagesOf: () => [],
    } as unknown as SPNExitTree
    const service: SettlementService = createSettlementService({
      chain,
      exitTree,
      dataDir: join(dir, 'data'),
      spnId: 1n,
      mainnetRpcUrl: await fakeMainnet(),
      mainnetChainId: 900,
      operatorKey: devAccounts(1)[0]!.privateKey,
      executorDir: dir,
      proverProcess: false,
      pollMs: 60_000,
      logger: createSilentLogger(),
    })
    await service.start()
    cleanup.push(() => service.stop())
    // a block without messages: nothing to cut for (its cadence is the poll's business)
    events.emit('block', { number: 1n, txs: [{}] })
    // a block whose message waits in the open batch
    openCount = 1
    events.emit('block', { number: 2n, txs: [{}] })
    const end = Date.now() + 15_000
    while (cuts.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
    expect(cuts).toHaveLength(1)
  }, 30_000)
})
