/**
 * `bench:ingress` (issue [throughput]): what accepting transactions costs the block thread, with the RPC
 * ingress (`rpc.ingress`: bodies carrying transactions parsed and decoded on the decode thread) and without
 * it (parsed on the block thread, senders recovered on the decode thread: the SPN before session 10).
 *
 * An in-process SPN per arm (no block timer: acceptance only, so nothing else runs on its thread), 10,000
 * pre-signed ERC20-sized transfers from 200 senders posted as JSON-RPC batches of 500, 2 in flight. The
 * block thread's busy time is `performance.eventLoopUtilization()` of this process's main thread over the
 * posting: it includes the client's own fetch work, the same in both arms, so the difference is the
 * ingress. Arms alternate (`--rounds`, default 3 each); medians are printed.
 *
 *   node --import tsx --conditions source packages/spn/bench/ingress.ts [--rounds 3] [--txs 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { bytesToHex, type Hex, hexToBytes, keccak256, serializeTransaction } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { createSPNNode } from '../src/index.js'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, txs: { type: 'string', default: '10000' } },
})
const ROUNDS = Number(values.rounds)
const TXS = Number(values.txs)
const SENDERS = 200
const BATCH = 500
const CHAIN_ID = 4_242
const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
}

const keys: Hex[] = Array.from({ length: SENDERS }, (_, i) =>
  keccak256(`0x${(i + 1).toString(16).padStart(64, '0')}`),
)
const alloc = Object.fromEntries(keys.map((k) => [privateKeyToAddress(k), { balance: 10n ** 21n }]))

function signed(): Hex[] {
  const out: Hex[] = []
  for (let n = 0; out.length < TXS; n++) {
    const i = n % SENDERS
    const tx = {
      type: 'eip1559' as const,
      chainId: CHAIN_ID,
      nonce: Math.floor(n / SENDERS),
      gas: 60_000n,
      maxFeePerGas: 100n * 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
      to: `0x${'be'.repeat(20)}` as Hex,
      // an ERC20 transfer's calldata size
      data: `0xa9059cbb${(0xbe0000 + n).toString(16).padStart(64, '0')}${'0'.repeat(63)}1` as Hex,
    }
    const { signature, recid } = secp.ecdsaSign(
      hexToBytes(keccak256(serializeTransaction(tx))),
      hexToBytes(keys[i]!),
    )
    const r = bytesToHex(signature.slice(0, 32))
    const s = bytesToHex(signature.slice(32))
    out.push(serializeTransaction(tx, { r, s, yParity: recid }))
  }
  return out
}

async function arm(ingress: boolean, raws: Hex[]): Promise<{ busyMs: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingress-'))
  const node = createSPNNode({
    config: {
      chainId: CHAIN_ID,
      dataDir: dir,
      logLevel: 'silent',
      decodeWorkers: 1,
      devAccounts: 0,
      alloc,
      rpc: { readWorkers: 0, ingress },
    },
    producer: () => ({ start: async () => {}, stop: async () => {}, isStarted: () => true }),
  })
  await node.start()
  try {
    let next = 0
    let rejected = 0
    const elu0 = performance.eventLoopUtilization()
    const t0 = performance.now()
    const poster = async () => {
      while (next < raws.length) {
        const slice = raws.slice(next, next + BATCH)
        next += BATCH
        const body = JSON.stringify(
          slice.map((raw, j) => ({ jsonrpc: '2.0', id: j, method: 'eth_sendRawTransaction', params: [raw] })),
        )
        const res = await fetch(node.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        for (const r of (await res.json()) as { error?: unknown }[]) if (r.error) rejected++
      }
    }
    await Promise.all([poster(), poster()])
    const seconds = (performance.now() - t0) / 1000
    const elu = performance.eventLoopUtilization(elu0)
    if (rejected) throw new Error(`${rejected} transactions rejected`)
    return { busyMs: elu.active, seconds }
  } finally {
    await node.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const raws = signed()
const results: Record<'on' | 'off', { busyMs: number; seconds: number }[]> = { on: [], off: [] }
process.stderr.write(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
)
for (let r = 0; r < ROUNDS; r++)
  for (const on of r % 2 ? [true, false] : [false, true]) {
    const res = await arm(on, raws)
    results[on ? 'on' : 'off'].push(res)
    process.stderr.write(
      `round ${r + 1} ingress ${on ? 'on ' : 'off'}: main thread busy ${res.busyMs.toFixed(0)} ms, ${res.seconds.toFixed(2)} s\n`,
    )
  }
const row = (k: 'on' | 'off') => {
  const busy = median(results[k].map((x) => x.busyMs))
  const secs = median(results[k].map((x) => x.seconds))
  return { busyMs: busy, usPerTx: (busy * 1000) / TXS, txPerSec: TXS / secs }
}
const on = row('on')
const off = row('off')
console.log('arm          main-thread ms  µs/tx   tx/s accepted')
for (const [name, x] of [
  ['ingress off', off],
  ['ingress on', on],
] as const)
  console.log(
    `${name.padEnd(12)} ${x.busyMs.toFixed(0).padStart(14)} ${x.usPerTx.toFixed(1).padStart(6)} ${x.txPerSec.toFixed(0).padStart(8)}`,
  )
console.log(
  `on/off main-thread busy: ${(on.busyMs / off.busyMs).toFixed(2)}; load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
