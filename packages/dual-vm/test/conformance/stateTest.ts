import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createMPT } from '@ethereumjs/mpt'
import { RLP } from '@ethereumjs/rlp'
import { createTxFromRLP } from '@ethereumjs/tx'
import {
  type BlockContext,
  type ExecutableTx,
  type Executor,
  keccak256 as fastKeccak,
  type Log,
} from '@rollup-mesh/core'
import { type Address, bytesToHex, type Hex, hexToBytes, keccak256, toRlp } from 'viem'
import {
  createMemoryState,
  createSerialExecutor,
  type EvmEngine,
  type GenesisAlloc,
  type SerialExecutor,
  STATE_COMMITMENT_ADDRESS,
} from '../../src/index.js'

/** One Ethereum state test (ethereum/tests GeneralStateTests), as vendored by `scripts/vendorStateTests.ts`. */
export type StateTest = {
  env: Record<string, Hex>
  pre: Record<string, { balance: Hex; nonce: Hex; code: Hex; storage: Record<string, Hex> }>
  transaction: Record<string, unknown>
  post: Record<string, StateTestPost[]>
}

export type StateTestPost = {
  hash: Hex
  logs: Hex
  txbytes: Hex
  indexes: { data: number; gas: number; value: number }
  expectException?: string
}

/** The outcome of one (test, fork, post entry): `skip` when the runner does not support what it needs. */
export type StateTestOutcome =
  | { status: 'pass' }
  | { status: 'fail'; reason: string }
  | { status: 'skip'; reason: string }

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'state-tests')

/** The vendored tests of one folder (`VMTests`, `stSStoreTest`, …). */
export function loadStateTests(folder: string): Record<string, StateTest> {
  return JSON.parse(gunzipSync(readFileSync(join(FIXTURES, `${folder}.json.gz`))).toString('utf8'))
}

const FORKS: Record<string, Hardfork> = {
  Cancun: Hardfork.Cancun,
  Prague: Hardfork.Prague,
  Osaka: Hardfork.Osaka,
}

const lower = (a: string) => a.toLowerCase() as Address

function alloc(pre: StateTest['pre']): GenesisAlloc {
  const out: GenesisAlloc = {}
  for (const [address, a] of Object.entries(pre)) {
    out[lower(address)] = {
      balance: BigInt(a.balance),
      nonce: BigInt(a.nonce),
      ...(a.code !== '0x' ? { code: a.code } : {}),
      ...(Object.keys(a.storage).length
        ? {
            storage: Object.fromEntries(
              Object.entries(a.storage).map(([k, v]) => [pad32(k), pad32(v)]),
            ) as Record<Hex, Hex>,
          }
        : {}),
    }
  }
  return out
}

const pad32 = (h: string): Hex => `0x${BigInt(h).toString(16).padStart(64, '0')}`

const commons = new Map<Hardfork, Common>()

function executableTx(raw: Hex, fork: Hardfork): ExecutableTx {
  let common = commons.get(fork)
  if (!common) {
    common = new Common({ chain: Mainnet, hardfork: fork })
    commons.set(fork, common)
  }
  const tx = createTxFromRLP(hexToBytes(raw), { common })
  const json = tx.toJSON()
  const type = tx.type === 0 ? 'legacy' : tx.type === 1 ? 'eip2930' : tx.type === 2 ? 'eip1559' : undefined
  if (!type) throw new UnsupportedStateTest(`transaction type ${tx.type}`)
  return {
    hash: bytesToHex(tx.hash()),
    from: lower(tx.getSenderAddress().toString()),
    type,
    nonce: tx.nonce,
    to: tx.to ? lower(tx.to.toString()) : null,
    value: tx.value,
    data: bytesToHex(tx.data),
    gas: tx.gasLimit,
    ...(type === 'eip1559'
      ? {
          maxFeePerGas: BigInt(json.maxFeePerGas as Hex),
          maxPriorityFeePerGas: BigInt(json.maxPriorityFeePerGas as Hex),
        }
      : { gasPrice: BigInt(json.gasPrice as Hex) }),
    ...(json.accessList
      ? {
          accessList: json.accessList.map((e) => ({
            address: lower(e.address),
            storageKeys: e.storageKeys.map((k) => k.toLowerCase() as Hex),
          })),
        }
      : {}),
  }
}

/** A test the runner cannot express (a transaction type, a fork): counted as a skip, never a pass. */
export class UnsupportedStateTest {
  constructor(readonly reason: string) {}
}

const hashBytes = (data: Uint8Array): Uint8Array => fastKeccak(data, 'bytes')

/** Ethereum's state root of a flat state: a secure Merkle-Patricia trie of RLP accounts (test-only). */
export async function merkleStateRoot(state: GenesisAlloc): Promise<Hex> {
  const trie = await createMPT({ useKeyHashing: true, useKeyHashingFunction: hashBytes })
  for (const [address, a] of Object.entries(state)) {
    if (lower(address) === lower(STATE_COMMITMENT_ADDRESS)) continue
    const storage = await createMPT({ useKeyHashing: true, useKeyHashingFunction: hashBytes })
    for (const [slot, value] of Object.entries(a.storage ?? {})) {
      if (BigInt(value) === 0n) continue
      await storage.put(hexToBytes(pad32(slot)), RLP.encode(hexToBytes(minimal(value))))
    }
    const code =
      a.code === undefined ? new Uint8Array() : typeof a.code === 'string' ? hexToBytes(a.code) : a.code
    const account = RLP.encode([
      hexToBytes(minimal(a.nonce ?? 0n)),
      hexToBytes(minimal(a.balance ?? 0n)),
      storage.root(),
      hexToBytes(keccak256(code)),
    ])
    await trie.put(hexToBytes(address as Hex), account)
  }
  return bytesToHex(trie.root())
}

const minimal = (v: bigint | string): Hex => {
  const n = BigInt(v)
  if (n === 0n) return '0x'
  const s = n.toString(16)
  return `0x${s.length % 2 ? '0' : ''}${s}`
}

/** keccak256(rlp(logs)) as state tests record it. */
export function logsHash(logs: readonly Log[]): Hex {
  return keccak256(toRlp(logs.map((l) => [l.address, l.topics, l.data])))
}

/** Runs one post entry of a state test on an executor made for its fork and compares root and logs. */
export async function runStatePost(
  test: StateTest,
  forkName: string,
  post: StateTestPost,
  makeExecutor: (fork: Hardfork) => Executor,
): Promise<StateTestOutcome> {
  const fork = FORKS[forkName]
  if (!fork) return { status: 'skip', reason: `fork ${forkName}` }
  let tx: ExecutableTx | undefined
  try {
    tx = executableTx(post.txbytes, fork)
  } catch (err) {
    if (err instanceof UnsupportedStateTest) return { status: 'skip', reason: err.reason }
    // An undecodable transaction must be an expected exception; the state stays as it was.
    if (!post.expectException) return { status: 'fail', reason: `transaction did not decode: ${String(err)}` }
  }
  const env = test.env
  const header: BlockContext = {
    number: BigInt(env.currentNumber as Hex),
    timestamp: BigInt(env.currentTimestamp as Hex),
    coinbase: lower(env.currentCoinbase as Hex),
    baseFeePerGas: BigInt((env.currentBaseFee as Hex | undefined) ?? '0x0'),
    gasLimit: BigInt(env.currentGasLimit as Hex),
    chainId: 1n,
    prevRandao: pad32((env.currentRandom as Hex | undefined) ?? '0x0'),
    recentHashes: [],
  }
  const state = createMemoryState(alloc(test.pre))
  let logs: Log[] = []
  if (tx) {
    const result = await makeExecutor(fork).executeBlock({ header, txs: [tx] }, state)
    state.apply(result.writeSet)
    logs = result.receipts[0]?.logs ?? []
  }
  const root = await merkleStateRoot(state.toAlloc())
  if (root !== post.hash) return { status: 'fail', reason: `state root ${root}, expected ${post.hash}` }
  const lh = logsHash(logs)
  if (lh !== post.logs) return { status: 'fail', reason: `logs hash ${lh}, expected ${post.logs}` }
  return { status: 'pass' }
}

export type FolderReport = {
  folder: string
  pass: number
  fail: number
  skip: number
  /** `file:test fork d/g/v: reason` of every failure. */
  failures: string[]
  ms: number
  /** With the fast engine: transactions it ran, and those it handed to ethereumjs. */
  fastTxs: number
  fallbackTxs: number
  /** Why the fast engine handed transactions to ethereumjs, with counts. */
  fallbackReasons: Record<string, number>
}

/** Runs every post entry of every vendored test in `folder` (optionally only tests whose id `only` accepts). */
export async function runStateFolder(
  folder: string,
  makeExecutor: (fork: Hardfork) => Executor,
  only: (id: string) => boolean = () => true,
): Promise<FolderReport> {
  const started = performance.now()
  const report: FolderReport = {
    folder,
    pass: 0,
    fail: 0,
    skip: 0,
    failures: [],
    ms: 0,
    fastTxs: 0,
    fallbackTxs: 0,
    fallbackReasons: {},
  }
  for (const [name, test] of Object.entries(loadStateTests(folder))) {
    if (!only(name)) continue
    for (const [fork, posts] of Object.entries(test.post)) {
      for (const post of posts) {
        const outcome = await runStatePost(test, fork, post, makeExecutor)
        report[outcome.status]++
        if (outcome.status === 'fail') {
          const i = post.indexes
          report.failures.push(`${name} ${fork} d${i.data}g${i.gas}v${i.value}: ${outcome.reason}`)
        }
      }
    }
  }
  report.ms = performance.now() - started
  return report
}

/** `runStateFolder` on the serial executor with one EVM engine, counting the fast engine's fallbacks. */
export async function runStateFolderOn(
  folder: string,
  engine: EvmEngine,
  only?: (id: string) => boolean,
): Promise<FolderReport> {
  const executors: SerialExecutor[] = []
  const report = await runStateFolder(
    folder,
    (fork) => {
      const executor = createSerialExecutor({ hardfork: fork, yieldEveryMs: 0, evm: engine })
      executors.push(executor)
      return executor
    },
    only,
  )
  for (const e of executors) {
    report.fastTxs += e.evmStats.fast
    report.fallbackTxs += e.evmStats.fallback
    for (const [reason, n] of e.evmStats.fallbackReasons)
      report.fallbackReasons[reason] = (report.fallbackReasons[reason] ?? 0) + n
  }
  return report
}
