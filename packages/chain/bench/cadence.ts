// Block cadence of the interval producer under the timestamp rule (strictly increasing seconds):
// idle, and with a transaction arriving every `txEveryMs`. Prints a table; run with
//   node --import tsx --conditions source packages/chain/bench/cadence.ts [seconds] [blockTimeMs]
import { devAccounts } from '@rollup-mesh/core'
import { createSerialExecutor, genesisWriteSet, simulateCall } from '@rollup-mesh/dual-vm'
import { type Address, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { Chain } from '../src/chain.js'
import { createIntervalBlockProducer } from '../src/producer.js'
import { ChainStore } from '../src/store.js'

const seconds = Number(process.argv[2] ?? 8)
const blockTimeMs = Number(process.argv[3] ?? 500)
const key = devAccounts(1)[0]!.privateKey
const signer = privateKeyToAccount(key)

async function run(txEveryMs: number | undefined) {
  const store = new ChainStore({ path: ':memory:' })
  const chain = new Chain(
    { chainId: 31337n, blockGasLimit: 30_000_000n },
    { store, executor: createSerialExecutor(), simulateCall: (p) => simulateCall(p) },
  )
  const { writeSet, stateRoot } = genesisWriteSet({
    [signer.address.toLowerCase()]: { balance: parseEther('100') },
  })
  await chain.open({ writeSet, stateRoot, timestamp: BigInt(Math.floor(Date.now() / 1000)) - 1n })
  const gaps: number[] = []
  const leads: number[] = []
  let last = performance.now()
  let firstTxAt: number[] = []
  const latencies: number[] = []
  chain.events.on('block', (b) => {
    const now = performance.now()
    gaps.push(now - last)
    last = now
    leads.push(Number(b.header.timestamp) - Date.now() / 1000)
    for (const _ of b.txs) {
      const sent = firstTxAt.shift()
      if (sent !== undefined) latencies.push(now - sent)
    }
  })
  const producer = createIntervalBlockProducer(chain, { blockTimeMs })
  await producer.start()
  let nonce = 0
  const timer = txEveryMs
    ? setInterval(async () => {
        const raw = await signer.signTransaction({
          type: 'eip1559',
          chainId: 31337,
          nonce: nonce++,
          to: '0x000000000000000000000000000000000000dEaD' as Address,
          value: 1n,
          gas: 21_000n,
          maxFeePerGas: 10n ** 10n,
          maxPriorityFeePerGas: 1n,
        })
        firstTxAt.push(performance.now())
        await chain.mempool.add(raw)
      }, txEveryMs)
    : undefined
  await new Promise((r) => setTimeout(r, seconds * 1000))
  if (timer) clearInterval(timer)
  await producer.stop()
  store.close()
  firstTxAt = []
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y)
  const p50 = (a: number[]) => sorted(a)[Math.floor(a.length / 2)] ?? Number.NaN
  return {
    workload: txEveryMs ? `a tx every ${txEveryMs} ms` : 'idle',
    blocksPerS: (gaps.length / seconds).toFixed(2),
    gapP50Ms: Math.round(p50(gaps.slice(1))),
    maxLeadS: Math.max(...leads).toFixed(2),
    txLatencyP50Ms: latencies.length ? Math.round(p50(latencies)) : '-',
  }
}

const rows = []
for (const w of [undefined, 1000, 250]) rows.push(await run(w))
console.log(`blockTimeMs ${blockTimeMs}, ${seconds} s each`)
console.table(rows)
