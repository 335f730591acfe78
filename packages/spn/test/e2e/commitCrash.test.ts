import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, it } from 'vitest'
import { replaySPN } from '../../src/index.js'
import { call, killSPN, type RunningSPN, rpc, startSPN, tempDir } from './helpers.js'

// kill -9 INSIDE a block's SQLite transaction (MESH_TEST_CRASH_IN_COMMIT: its rows written, COMMIT not
// reached), the moment random kills rarely hit, with each commit mode: `inline` (the block thread commits)
// and `writer` (the commit writer's transaction of block N, held open by the hook until the block thread
// reports block N+1 executing, which its line names). On restart the head is the block before, the crashed
// block's acknowledged transactions are back in the pool (their removal was in the lost transaction), they
// are mined once, and a replay from genesis agrees with every stored header, receipt and state root.

const dev = devAccounts(10)
const dir = tempDir('spn-commit-crash-')
const procs: RunningSPN[] = []
afterAll(async () => {
  for (const p of procs) await killSPN(p)
  rmSync(dir, { recursive: true, force: true })
})

const senders = dev.slice(0, 8).map((d) => privateKeyToAccount(d.privateKey))
const PER_SENDER = 20
/** A fresh recipient per transaction, so each balance says how often its transfer was applied. */
const recipient = (s: number, nonce: number): Hex =>
  `0x${(0xc0de0000 + s * 1000 + nonce).toString(16).padStart(40, '0')}`

const poll = async <T>(what: string, f: () => Promise<T | undefined>, log: () => string): Promise<T> => {
  const end = Date.now() + 120_000
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${log().slice(-3_000)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

const modes = [
  { commit: 'inline' as const, chainId: 31_391, when: 'between the block rows and COMMIT' },
  {
    commit: 'writer' as const,
    chainId: 31_392,
    when: "in the writer's transaction while the next block executes",
  },
]

describe.each(modes)(
  'crash inside a block commit (commit: $commit)',
  ({ commit, chainId: CHAIN_ID, when }) => {
    it(`kill -9 ${when}: nothing half-written, no acknowledged transaction lost`, async () => {
      const config = {
        chainId: CHAIN_ID,
        dataDir: join(dir, commit),
        blockTimeMs: 500,
        commit,
        logLevel: 'info' as const,
      }
      const first = await startSPN(config, { ...process.env, MESH_TEST_CRASH_IN_COMMIT: '1' })
      procs.push(first)
      const headBefore = BigInt((await rpc(first.url, call('eth_blockNumber'))).json.result as Hex)
      const signed = await Promise.all(
        senders.flatMap((s, i) =>
          Array.from({ length: PER_SENDER }, (_, nonce) =>
            s.signTransaction({
              type: 'eip1559',
              chainId: CHAIN_ID,
              nonce,
              to: recipient(i, nonce),
              value: BigInt(1 + nonce),
              gas: 21_000n,
              maxFeePerGas: 10n ** 11n,
              maxPriorityFeePerGas: 10n ** 9n,
            }),
          ),
        ),
      )
      // One batch: acknowledged (in the pool and durable) before the next block tick seals it.
      const answer = await rpc(
        first.url,
        signed.map((raw, i) => call('eth_sendRawTransaction', [raw], i)),
      )
      const acked = (answer.json as { result?: Hex }[]).map((r) => r.result).filter((h): h is Hex => !!h)
      expect(acked).toHaveLength(signed.length)
      await poll(
        'the crash inside the commit',
        async () => (first.proc.signalCode === 'SIGKILL' ? true : undefined),
        first.stderr,
      )
      // The node kills itself in the commit of the first block with a transaction.
      const crash =
        /"msg":"test crash inside a block commit","block":(\d+),"txs":(\d+)(?:,"executing":(\d+))?/.exec(
          first.stderr(),
        )
      expect(crash, first.stderr().slice(-2_000)).not.toBeNull()
      const crashedBlock = BigInt(crash![1]!)
      expect(crashedBlock).toBeGreaterThan(headBefore)
      // writer: the kill landed in the writer's transaction of N while the block thread executed N+1
      if (commit === 'writer') expect(crash![3] && BigInt(crash![3])).toBe(crashedBlock + 1n)

      const second = await startSPN(config)
      procs.push(second)
      // N was never committed: the store opens at the block before, every acknowledged transaction in the pool.
      const opened = /"head":(\d+),"restoredTxs":(\d+)[^\n]*"msg":"chain opened"/.exec(second.stderr())
      expect(opened, second.stderr().slice(-2_000)).not.toBeNull()
      expect(BigInt(opened![1]!)).toBe(crashedBlock - 1n)
      expect(Number(opened![2]!)).toBe(acked.length)
      const receipts = await Promise.all(
        acked.map((hash) =>
          poll(
            `the receipt of ${hash}`,
            async () =>
              ((await rpc(second.url, call('eth_getTransactionReceipt', [hash]))).json.result ?? undefined) as
                | { status: Hex; blockNumber: Hex }
                | undefined,
            second.stderr,
          ),
        ),
      )
      expect(receipts.every((r) => r.status === '0x1')).toBe(true)
      expect(receipts.every((r) => BigInt(r.blockNumber) >= crashedBlock)).toBe(true)
      // Each transfer applied exactly once; each sender's nonce counts its transactions.
      for (let i = 0; i < senders.length; i++) {
        const nonce = (
          await rpc(second.url, call('eth_getTransactionCount', [senders[i]!.address, 'latest']))
        ).json.result as Hex
        expect(BigInt(nonce)).toBe(BigInt(PER_SENDER))
        for (const n of [0, PER_SENDER - 1]) {
          const balance = (await rpc(second.url, call('eth_getBalance', [recipient(i, n), 'latest']))).json
            .result as Hex
          expect(BigInt(balance)).toBe(BigInt(1 + n))
        }
      }
      await killSPN(second)
      // Every stored block re-executes to its stored header (state root, receipts root, exit root).
      const report = await replaySPN({ config })
      expect(report.firstDifference).toBeUndefined()
      expect(report.ok).toBe(true)
      expect(report.head).toBeGreaterThanOrEqual(crashedBlock)
    }, 240_000)
  },
)
