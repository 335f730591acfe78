/**
 * Main-net settlement verification cost: gas and wall time of `Settlement.submit` (Groth16 through
 * Verifier.sol + quote through the 0x…0a01 precompile + bookkeeping), and of its two checks alone, run
 * in-process on dual-vm's serial executor over an in-memory main-net genesis.
 *
 *   npm run bench -w packages/mainnet [-- --json] [-- --runs N]
 */
import '@rollup-mesh/core/polyfill'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import type { BlockContext, ExecutableTx } from '@rollup-mesh/core'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { createMemoryState, createSerialExecutor, simulateCall } from '@rollup-mesh/dual-vm'
import { releaseZkThreads } from '@rollup-mesh/zk-bridge'
import {
  type Address,
  encodeFunctionData,
  type Hex,
  hexToBytes,
  keccak256,
  numberToHex,
  parseEther,
} from 'viem'
import {
  createQuoteVerifierPrecompile,
  encodeMainnetQuoteVerifierInput,
  encodeSubmitSettlement,
  groth16VerifierAbi,
  SETTLEMENT_VK_HASH,
  settlementReportData,
  spnRegistryAbi,
  systemContractsAlloc,
} from '../src/index.js'
import {
  buildSettlements,
  createTestEnclave,
  GENESIS_STATE_ROOT,
  MEASUREMENT,
  SPN_CHAIN_ID,
  SPN_ID,
  tempDir,
} from '../test/fixtures.js'

const json = process.argv.includes('--json')
const runsArg = process.argv.indexOf('--runs')
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15

const [governance, operator] = devAccounts(2) as unknown as [{ address: Address }, { address: Address }]
const precompiles = new Map([[SYSTEM_ADDRESSES.mainnet.quoteVerifier, createQuoteVerifierPrecompile()]])
const now = BigInt(Math.floor(Date.now() / 1000))
const header = (n: bigint): BlockContext => ({
  number: n,
  timestamp: now + n,
  coinbase: governance.address,
  baseFeePerGas: 1n,
  gasLimit: 60_000_000n,
  chainId: 900n,
  prevRandao: numberToHex(n, { size: 32 }),
})
let nonce = 0
const tx = (from: Address, to: Address, data: Hex, value = 0n, n = 0n): ExecutableTx => ({
  hash: keccak256(numberToHex(++nonce)),
  type: 'eip1559',
  from,
  nonce: n,
  to,
  value,
  data,
  gas: 10_000_000n,
  maxFeePerGas: 10n,
  maxPriorityFeePerGas: 1n,
})

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

async function timeIt(fn: () => Promise<{ gasUsed: bigint; success: boolean }>) {
  const ms: number[] = []
  let gas = 0n
  await fn() // warm-up
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    const r = await fn()
    ms.push(performance.now() - t)
    if (!r.success) throw new Error('benchmark call failed') // a bench script, not library code
    gas = r.gasUsed
  }
  return { gas, p50: median(ms), min: Math.min(...ms), max: Math.max(...ms) }
}

async function main(): Promise<void> {
  const enclave = await createTestEnclave(join(tempDir('mainnet-bench-'), 'spn1'))
  const proveStart = performance.now()
  const [s1] = await buildSettlements(enclave, [16])
  const proveMs = performance.now() - proveStart
  if (!s1) return
  const state = createMemoryState({
    ...systemContractsAlloc({ governance: governance.address, minBond: 0n, vkHash: SETTLEMENT_VK_HASH }),
    [governance.address.toLowerCase() as Address]: { balance: parseEther('100') },
    [operator.address.toLowerCase() as Address]: { balance: parseEther('100') },
  })
  const executor = createSerialExecutor({ precompiles })
  const realRegister = encodeFunctionData({
    abi: spnRegistryAbi,
    functionName: 'register',
    args: [
      SPN_ID,
      SPN_CHAIN_ID,
      operator.address,
      [MEASUREMENT],
      [`0x${Buffer.from(enclave.rootCertificateDer).toString('hex')}`],
      SETTLEMENT_VK_HASH,
      GENESIS_STATE_ROOT,
    ],
  })
  const reg = await executor.executeBlock(
    { header: header(1n), txs: [tx(governance.address, SYSTEM_ADDRESSES.mainnet.spnRegistry, realRegister)] },
    state,
  )
  state.apply(reg.writeSet)

  const submitData = encodeSubmitSettlement({
    header: s1.encodedHeader,
    proof: s1.proofBytes,
    publicSignals: s1.publicSignals,
    quote: s1.quote,
  })
  const submit = await timeIt(() =>
    simulateCall({
      header: header(2n),
      state,
      from: operator.address,
      to: SYSTEM_ADDRESSES.mainnet.settlement,
      data: submitData,
      precompiles,
    }),
  )
  const pairing = await timeIt(() =>
    simulateCall({
      header: header(2n),
      state,
      to: SYSTEM_ADDRESSES.mainnet.groth16Verifier,
      data: encodeFunctionData({
        abi: groth16VerifierAbi,
        functionName: 'verifyProof',
        args: [
          [BigInt(s1.proof.proof.pi_a[0]!), BigInt(s1.proof.proof.pi_a[1]!)],
          [
            [BigInt(s1.proof.proof.pi_b[0]![1]!), BigInt(s1.proof.proof.pi_b[0]![0]!)],
            [BigInt(s1.proof.proof.pi_b[1]![1]!), BigInt(s1.proof.proof.pi_b[1]![0]!)],
          ],
          [BigInt(s1.proof.proof.pi_c[0]!), BigInt(s1.proof.proof.pi_c[1]!)],
          s1.publicSignals,
        ],
      }),
    }),
  )
  const quoteInput = encodeMainnetQuoteVerifierInput({
    quote: s1.quote,
    measurements: [MEASUREMENT],
    reportData: settlementReportData(s1.header),
    simulatedRoots: [enclave.rootCertificateDer],
  })
  const quoteVerify = await timeIt(async () => {
    const r = createQuoteVerifierPrecompile()(hexToBytes(quoteInput), {
      gasLimit: 10_000_000n,
      timestamp: now,
    })
    return { gasUsed: r.gasUsed, success: !r.outOfGas }
  })
  // The real transaction, once: receipt gas including intrinsic gas and storage writes.
  const t = performance.now()
  const block = await executor.executeBlock(
    { header: header(2n), txs: [tx(operator.address, SYSTEM_ADDRESSES.mainnet.settlement, submitData)] },
    state,
  )
  const blockMs = performance.now() - t
  const receipt = block.receipts[0]
  await releaseZkThreads()

  const rows = [
    ['Settlement.submit (eth_call, execution gas)', submit.gas, submit.p50, submit.min, submit.max],
    ['  Groth16Verifier.verifyProof alone', pairing.gas, pairing.p50, pairing.min, pairing.max],
    ['  quote-verifier precompile alone', quoteVerify.gas, quoteVerify.p50, quoteVerify.min, quoteVerify.max],
    ['submit tx in a block (receipt gas, 1 run)', receipt?.gasUsed ?? 0n, blockMs, blockMs, blockMs],
  ] as const
  const result = {
    runs,
    leafCount: Number(s1.header.leafCount),
    submitGas: Number(submit.gas),
    submitMsP50: submit.p50,
    submitTxGas: Number(receipt?.gasUsed ?? 0n),
    submitTxStatus: receipt?.status,
    verifyProofGas: Number(pairing.gas),
    verifyProofMsP50: pairing.p50,
    quoteGas: Number(quoteVerify.gas),
    quoteMsP50: quoteVerify.p50,
    blockMs,
    proveMs,
    targetMs: 150,
    loadavg: loadavg()[0],
    cpus: cpus().length,
  }
  process.stdout.write(
    `main-net settlement verification (${runs} runs, load ${loadavg()[0]?.toFixed(1)}, ${cpus().length} CPUs)\n`,
  )
  process.stdout.write(
    `${'what'.padEnd(46)} ${'gas'.padStart(9)} ${'p50 ms'.padStart(8)} ${'min'.padStart(7)} ${'max'.padStart(7)}\n`,
  )
  for (const [what, gas, p50, min, max] of rows)
    process.stdout.write(
      `${what.padEnd(46)} ${String(gas).padStart(9)} ${p50.toFixed(1).padStart(8)} ${min.toFixed(1).padStart(7)} ${max.toFixed(1).padStart(7)}\n`,
    )
  process.stdout.write(
    `target: <= 150 ms per settlement; proving this 16-leaf settlement took ${Math.round(proveMs)} ms\n`,
  )
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`)
}

await main()
