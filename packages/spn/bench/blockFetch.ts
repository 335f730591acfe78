/**
 * `bench:block-fetch` (issue [throughput]): what serving a full block costs the node, the request a viem
 * client waiting for a receipt sends on every new block (`waitForTransactionReceipt`'s replacement check:
 * `eth_getBlockByNumber(n, true)`), so 200 waiting senders send it 200 times per block.
 *
 * The built SPN bin (default config: one read worker), `--txs` transfers from 200 senders in one batch, then
 * 200 clients fetch the block holding most of them, `--rounds` times each. Reported: the answer's size and
 * the node's CPU (its process, all threads, /proc) per request.
 *
 *   npm run bench:block-fetch -w @rollup-mesh/spn -- [--txs 600] [--rounds 10]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { bytesToHex, type Hex, hexToBytes, keccak256, serializeTransaction, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { treeCpuSeconds } from './procCpu.js'
import { readyUrl } from './readyUrl.js'

const { values } = parseArgs({
  options: { txs: { type: 'string', default: '600' }, rounds: { type: 'string', default: '10' } },
})
const TXS = Number(values.txs)
const ROUNDS = Number(values.rounds)
const CLIENTS = 200
const CHAIN_ID = 4_243
const root = new URL('../../../', import.meta.url).pathname
const secp = createRequire(import.meta.url)('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
}
const keys: Hex[] = Array.from({ length: CLIENTS }, (_, i) =>
  keccak256(`0x${(i + 1).toString(16).padStart(64, '0')}`),
)

function transfer(n: number): Hex {
  const i = n % keys.length
  const tx = {
    type: 'eip1559' as const,
    chainId: CHAIN_ID,
    nonce: Math.floor(n / keys.length),
    gas: 21_000n,
    maxFeePerGas: 100n * 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
    to: `0x${(0xbe0000 + n).toString(16).padStart(40, '0')}` as Hex,
    value: 1n,
  }
  const { signature, recid } = secp.ecdsaSign(
    hexToBytes(keccak256(serializeTransaction(tx))),
    hexToBytes(keys[i]!),
  )
  return serializeTransaction(tx, {
    r: bytesToHex(signature.subarray(0, 32)),
    s: bytesToHex(signature.subarray(32)),
    yParity: recid,
  })
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spn-bench-block-fetch-'))
  const cfg = join(dir, 'spn.json')
  const alloc = Object.fromEntries(
    keys.map((k) => [privateKeyToAddress(k), { balance: (10n ** 21n).toString() }]),
  )
  writeFileSync(
    cfg,
    JSON.stringify({ chainId: CHAIN_ID, dataDir: join(dir, 'data'), logLevel: 'warn', alloc }),
  )
  const proc = spawn(process.execPath, [join(root, 'packages/spn/dist/bin.js'), '--config', cfg], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const url = await readyUrl(proc)
    const rpc = async (body: unknown): Promise<string> =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).text()
    const call = async (method: string, params: unknown[]) =>
      (JSON.parse(await rpc({ jsonrpc: '2.0', id: 1, method, params })) as { result: unknown }).result
    const raws = Array.from({ length: TXS }, (_, n) => transfer(n))
    const sent = JSON.parse(
      await rpc(
        raws.map((raw, id) => ({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [raw] })),
      ),
    ) as { error?: { message: string } }[]
    const refused = sent.find((r) => r.error)
    if (refused) throw new Error(`send refused: ${refused.error!.message}`)
    const last = keccak256(raws[raws.length - 1]!)
    while (!(await call('eth_getTransactionReceipt', [last]))) await new Promise((r) => setTimeout(r, 200))
    let block = 0
    let most = 0
    for (let n = Number(await call('eth_blockNumber', [])); n > 0; n--) {
      const count = Number(await call('eth_getBlockTransactionCountByNumber', [toHex(n)]))
      if (count > most) [block, most] = [n, count]
    }
    const body = { jsonrpc: '2.0', id: 7, method: 'eth_getBlockByNumber', params: [toHex(block), true] }
    const size = (await rpc(body)).length
    const cpu0 = treeCpuSeconds(proc.pid!)
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let r = 0; r < ROUNDS; r++) await rpc(body)
      }),
    )
    const cpu = treeCpuSeconds(proc.pid!) - cpu0
    const requests = CLIENTS * ROUNDS
    const result = {
      bench: 'block-fetch',
      blockTxs: most,
      answerBytes: size,
      requests,
      wallSeconds: (performance.now() - t0) / 1000,
      nodeCpuSeconds: cpu,
      nodeCpuMsPerRequest: (cpu * 1000) / requests,
      loadAverage: loadavg(),
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    proc.kill('SIGTERM')
    await new Promise((r) => (proc.exitCode !== null ? r(undefined) : proc.once('exit', r)))
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  process.stderr.write(`${String(err?.stack ?? err)}\n`)
  process.exit(1)
})
