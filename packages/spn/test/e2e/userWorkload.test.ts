import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encodeFunctionData, type Hex, keccak256 } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inFreshClient } from '../../bench/freshClient.js'
import { one } from '../../bench/jsonRpc.js'
import type { Target } from '../../bench/target.js'
import { UserModeError } from '../../bench/userModeError.js'
import { loadUserToken, type TokenKind, type UserToken } from '../../bench/userToken.js'
import { runUserWorkload } from '../../bench/userWorkload.js'
import { createSPNNode, type SPNNode } from '../../src/index.js'

// `bench:spn --mode user`'s workload with the WASM token (examples/contracts/token.ts), small, against an
// in-process SPN: the same deploy, funding, pre-signed batches and viem receipt waits as the benchmark.

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const CHAIN_ID = 4313
const keys = Array.from({ length: 20 }, (_, i) =>
  keccak256(`0x${(0x7000 + i).toString(16).padStart(64, '0')}`),
)

describe('bench:spn user-mode workload on the WASM token (in-process SPN, viem receipt waits)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-user-workload-'))
  let node: SPNNode
  let target: Target
  let token: UserToken

  beforeAll(async () => {
    node = createSPNNode({
      config: {
        spnId: 'spn1',
        chainId: CHAIN_ID,
        dataDir: join(dir, 'spn'),
        blockTimeMs: 200,
        decodeWorkers: 0,
        logLevel: 'silent',
      },
    })
    ;[token] = await Promise.all([loadUserToken(root, 'wasm-token'), node.start()])
    target = {
      name: 'spn',
      url: node.rpcUrl,
      wsUrl: node.wsUrl,
      chainId: CHAIN_ID,
      pids: [process.pid],
      allPids: [process.pid],
    }
    // asc's optimizer takes seconds on a quiet machine, over a minute at load 10+ (measured): room for both.
  }, 180_000)
  afterAll(async () => {
    await node?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('deploys token.ts, funds 20 senders and measures 300 transfers that all land', async () => {
    expect(token.bytecode.startsWith('0x0061736d')).toBe(true) // `\0asm`: a WASM module, not EVM code
    const { token: address, row } = await runUserWorkload(
      { txs: 300, batch: 100, inflight: 2 },
      target,
      token,
      keys,
    )
    expect(row.txs).toBe(300)
    expect(row.rejected).toBe(0)
    expect(row.txPerSec).toBeGreaterThan(0)
    expect(row.blocks).toBeGreaterThan(0)
    expect(row.receiptP99Ms).toBeGreaterThanOrEqual(row.receiptP50Ms!)
    // The token that ran is the WASM one, and the last fresh recipient (transfer 299) holds its 1 token.
    expect(((await one(node.rpcUrl, 'eth_getCode', [address, 'latest'])) as Hex).length).toBeGreaterThan(2)
    const balance = await one(node.rpcUrl, 'eth_call', [
      {
        to: address,
        data: encodeFunctionData({
          abi: token.abi,
          functionName: 'balanceOf',
          args: [`0x${(0xbe0000 + 299).toString(16).padStart(40, '0')}`],
        }),
      },
      'latest',
    ])
    expect(BigInt(balance)).toBe(1n)
  }, 120_000)

  it('runs a target in a client process of its own: the warm-up first, then the measured run only', async () => {
    const senders = keys.slice(0, 10)
    const nonceOf = async () =>
      Number(await one(node.rpcUrl, 'eth_getTransactionCount', [privateKeyToAddress(senders[0]!), 'latest']))
    const before = await nonceOf()
    const row = await inFreshClient({
      options: { txs: 60, batch: 30, inflight: 2, warmup: 40 },
      target,
      token: 'wasm-token',
      keys: senders,
      root,
    })
    expect(row.txs).toBe(60)
    expect(row.rejected).toBe(0)
    expect(row.txPerSec).toBeGreaterThan(0)
    // each of the 10 senders sent 4 warm-up and 6 measured transfers
    expect((await nonceOf()) - before).toBe(10)
    // a failing run rejects with the child's error, not a hang or a half row
    const err = await inFreshClient({
      options: { txs: 1, batch: 1, inflight: 1 },
      target,
      token: 'no-such-token' as TokenKind,
      keys: senders,
      root,
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserModeError)
    expect((err as UserModeError).shortMessage).toBe('The spn client process exited with 1.')
    expect((err as UserModeError).metaMessages?.join('\n')).toMatch(/Unknown token kind "no-such-token"/)
  }, 240_000)

  it('fails loudly when the transfers revert (too little gas for WASM) instead of counting them', async () => {
    const starved = { ...token, transferGas: 30_000n }
    const err = await runUserWorkload(
      { txs: 20, batch: 20, inflight: 1 },
      target,
      starved,
      keys.slice(0, 10),
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserModeError)
    expect((err as UserModeError).code).toBe('BENCH_USER_MODE')
    expect((err as UserModeError).shortMessage).toMatch(
      /^20 of 20 WASM token .* transfers reverted on spn\.$/,
    )
  }, 120_000)

  it('fails at once when the node rejects a transfer (its sender would wait 15 min for a receipt otherwise)', async () => {
    // 21,000 gas is below a token transfer's intrinsic gas (calldata): the pool rejects every one.
    const rejected = { ...token, transferGas: 21_000n }
    const err = await runUserWorkload(
      { txs: 10, batch: 10, inflight: 1 },
      target,
      rejected,
      keys.slice(0, 5),
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserModeError)
    expect((err as UserModeError).shortMessage).toMatch(
      /^spn rejected WASM token .* transfer 0x[0-9a-f]{64}: /,
    )
  }, 60_000)
})
