import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import { Contract, JsonRpcProvider } from 'ethers'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  keccak256,
  pad,
  parseAbiItem,
  toHex,
  verifyMessage,
  verifyTypedData,
  webSocket,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSPNNode, type SPNNode } from '../../src/index.js'
import { anvilBin, call, createManualSPNNode, rpc, tempDir, until } from './helpers.js'

// [devnode] filters, block queries, txpool and dev-account signing: through viem, ethers and raw JSON-RPC
// against in-process SPNs (one with its block timer, one whose blocks the test seals), each compared with
// anvil (the same requests; hashes and timestamps normalised where they legitimately differ).

const CHAIN_ID = 31_337 // anvil's default, so identical signed transactions are valid on both
const dev = devAccounts(10)
const [alice, bob, carol, dave] = dev.map((d) => privateKeyToAccount(d.privateKey)) as [
  ReturnType<typeof privateKeyToAccount>,
  ReturnType<typeof privateKeyToAccount>,
  ReturnType<typeof privateKeyToAccount>,
  ReturnType<typeof privateKeyToAccount>,
]
const TRANSFER = keccak256(toHex('Transfer(address,address,uint256)'))
const transferEvent = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')
/** Runtime code: every call emits Transfer(caller, caller, callvalue). */
const RUNTIME: Hex = `0x3460005233337f${TRANSFER.slice(2)}60206000a300`
/** Init code returning RUNTIME (46 bytes). */
const EMITTER_INIT: Hex = `0x602e80600b6000396000f3${RUNTIME.slice(2)}`

type Anvil = { proc: ChildProcess; url: string }
let dir: string
let live: SPNNode
let manual: SPNNode
let anvil: Anvil | undefined
let anvilPool: Anvil | undefined

/** anvil with extra flags on an OS-chosen port (undefined when the binary is not installed; it is a devDependency). */
async function startAnvilWith(args: string[]): Promise<Anvil | undefined> {
  if (!existsSync(anvilBin)) return undefined
  const proc = spawn(anvilBin, ['--port', '0', '--chain-id', String(CHAIN_ID), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`anvil ${args.join(' ')} did not start in 20 s:\n${out}`))
    }, 20_000)
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/Listening on (\S+)/)
      if (m) {
        clearTimeout(timer)
        resolve({ proc, url: `http://${m[1]}` })
      }
    })
  })
}

async function stopAnvil(a: Anvil | undefined): Promise<void> {
  if (!a?.proc.pid || a.proc.exitCode !== null) return
  const exited = new Promise((r) => a.proc.once('exit', r))
  process.kill(a.proc.pid, 'SIGKILL')
  await exited
}

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are indexed freely
type Json = any
const result = async (url: string, method: string, params: unknown[] = []): Promise<Json> => {
  const { json } = await rpc(url, call(method, params))
  if (json.error) throw new Error(`${method}: ${JSON.stringify(json.error)}`)
  return json.result
}
const errorOf = async (url: string, method: string, params: unknown[] = []): Promise<Json> =>
  (await rpc(url, call(method, params))).json.error

const viemChain = (url: string) =>
  defineChain({
    id: CHAIN_ID,
    name: 'devnode',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  })

/** Signs a 1559 transaction with fixed fees (valid on both nodes: same bytes, same hash). */
const signed = (
  account: typeof alice,
  fields: { nonce: number; to?: Address; data?: Hex; value?: bigint; gas?: bigint },
) =>
  account.signTransaction({
    type: 'eip1559',
    chainId: CHAIN_ID,
    nonce: fields.nonce,
    gas: fields.gas ?? 100_000n,
    maxFeePerGas: 10_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    value: fields.value ?? 0n,
    ...(fields.to ? { to: fields.to } : {}),
    ...(fields.data ? { data: fields.data } : {}),
  })

const receiptOf = (url: string, hash: Hex) =>
  until(
    `receipt of ${hash}`,
    async () => (await result(url, 'eth_getTransactionReceipt', [hash])) ?? undefined,
    10_000,
  )

/** Deploys the Transfer emitter from `account` (nonce 0) and returns its address. */
async function deployEmitter(url: string, account: typeof alice): Promise<Address> {
  const hash = await result(url, 'eth_sendRawTransaction', [
    await signed(account, { nonce: 0, data: EMITTER_INIT }),
  ])
  const receipt = await receiptOf(url, hash)
  expect(receipt.status).toBe('0x1')
  return receipt.contractAddress
}

let emitter: Address
let anvilEmitter: Address | undefined
let carolNonce = 1

beforeAll(async () => {
  dir = tempDir('devnode-methods-')
  live = createSPNNode({
    config: {
      spnId: 'spn1',
      chainId: CHAIN_ID,
      dataDir: join(dir, 'live'),
      blockTimeMs: 200,
      decodeWorkers: 0,
      logLevel: 'silent',
    },
  })
  manual = createManualSPNNode({ spnId: 'spn2', chainId: CHAIN_ID, dataDir: join(dir, 'manual') })
  // Settled one by one, so afterAll stops whatever did start when something else failed.
  const started = await Promise.allSettled([
    startAnvilWith([]).then((a) => {
      anvil = a
    }),
    startAnvilWith(['--no-mining']).then((a) => {
      anvilPool = a
    }),
    live.start(),
    manual.start(),
  ])
  for (const s of started) if (s.status === 'rejected') throw s.reason
  emitter = await deployEmitter(live.rpcUrl, carol)
  if (anvil) anvilEmitter = await deployEmitter(anvil.url, carol)
}, 60_000)

afterAll(async () => {
  await live?.stop()
  await manual?.stop()
  await stopAnvil(anvil)
  await stopAnvil(anvilPool)
  rmSync(dir, { recursive: true, force: true })
})

/** Calls the emitter from carol with `value` wei (emits Transfer(carol, carol, value)); resolves with the tx hash. */
async function emit(url: string, to: Address, value: bigint, nonce: number): Promise<Hex> {
  return result(url, 'eth_sendRawTransaction', [await signed(carol, { nonce, to, value })])
}

describe('filters (raw JSON-RPC, compared with anvil)', () => {
  it('log, block and pending-transaction filters answer what arrived since the last poll, in anvil’s shapes', async () => {
    const run = async (url: string, to: Address, nonce: number) => {
      const logs = await result(url, 'eth_newFilter', [{ address: to, topics: [TRANSFER] }])
      const blocks = await result(url, 'eth_newBlockFilter')
      const pending = await result(url, 'eth_newPendingTransactionFilter')
      for (const id of [logs, blocks, pending]) expect(id).toMatch(/^0x[0-9a-f]+$/)
      const hash = await emit(url, to, 7n, nonce)
      const receipt = await receiptOf(url, hash)
      const logChanges = await until(
        'the filtered log',
        async () => {
          const c = await result(url, 'eth_getFilterChanges', [logs])
          return c.length ? c : undefined
        },
        10_000,
      )
      const blockChanges: Hex[] = await result(url, 'eth_getFilterChanges', [blocks])
      const pendingChanges: Hex[] = await result(url, 'eth_getFilterChanges', [pending])
      expect(await result(url, 'eth_getFilterChanges', [logs])).toEqual([])
      const n = receipt.blockNumber
      const ranged = await result(url, 'eth_newFilter', [{ address: to, fromBlock: n, toBlock: n }])
      const all = await result(url, 'eth_getFilterLogs', [ranged])
      await result(url, 'eth_uninstallFilter', [ranged])
      const unknown = await errorOf(url, 'eth_getFilterChanges', ['0x1234'])
      const uninstalled = [
        await result(url, 'eth_uninstallFilter', [logs]),
        await result(url, 'eth_uninstallFilter', [logs]),
      ]
      for (const id of [blocks, pending]) await result(url, 'eth_uninstallFilter', [id])
      return { hash, receipt, logChanges, blockChanges, pendingChanges, all, unknown, uninstalled }
    }
    const ours = await run(live.rpcUrl, emitter, carolNonce)
    expect(ours.logChanges).toHaveLength(1)
    const [log] = ours.logChanges
    expect(log).toMatchObject({
      address: emitter,
      topics: [TRANSFER, pad(carol.address.toLowerCase() as Hex), pad(carol.address.toLowerCase() as Hex)],
      data: toHex(7n, { size: 32 }),
      transactionHash: ours.hash,
      blockHash: ours.receipt.blockHash,
      removed: false,
    })
    expect(ours.blockChanges).toContain(ours.receipt.blockHash)
    expect(ours.pendingChanges).toEqual([ours.hash])
    expect(ours.all).toEqual(ours.logChanges)
    expect(ours.unknown).toEqual({ code: -32000, message: 'filter not found' })
    expect(ours.uninstalled).toEqual([true, false])
    if (anvil && anvilEmitter) {
      const theirs = await run(anvil.url, anvilEmitter, carolNonce)
      expect(theirs.hash).toBe(ours.hash) // the same signed bytes
      const shape = (l: Json) => ({
        ...l,
        address: 'X',
        blockHash: 'H',
        blockNumber: 'N',
        blockTimestamp: undefined,
      })
      expect(shape(log)).toEqual({ ...shape(theirs.logChanges[0]), blockTimestamp: undefined })
      expect(theirs.pendingChanges).toEqual(ours.pendingChanges)
      expect(ours.unknown).toEqual(theirs.unknown)
      expect(ours.uninstalled).toEqual(theirs.uninstalled)
      expect(ours.all.map(shape)).toEqual(theirs.all.map(shape))
    }
    carolNonce++
  })
})

describe('filters through viem and ethers (polling over HTTP)', () => {
  it('viem: createEventFilter, createBlockFilter, createPendingTransactionFilter, watchEvent with poll', async () => {
    const client = createPublicClient({
      chain: viemChain(live.rpcUrl),
      transport: http(live.rpcUrl),
      pollingInterval: 100,
    })
    const events = await client.createEventFilter({ address: emitter, event: transferEvent })
    const blocks = await client.createBlockFilter()
    const pending = await client.createPendingTransactionFilter()
    const watched = new Promise<Json[]>((resolve) => {
      const unwatch = client.watchEvent({
        address: emitter,
        event: transferEvent,
        poll: true,
        onLogs: (logs) => {
          unwatch()
          resolve(logs)
        },
      })
    })
    // watchEvent installs its filter on its first poll: keep emitting until it has seen one
    let hash: Hex | undefined
    let seen: Json[] | undefined
    watched.then((l) => {
      seen = l
    })
    await until(
      'watchEvent’s logs',
      async () => {
        if (!seen) hash = await emit(live.rpcUrl, emitter, 9n, carolNonce++)
        return seen
      },
      15_000,
    )
    await receiptOf(live.rpcUrl, hash as Hex)
    expect(seen?.[0]?.args).toEqual({ from: carol.address, to: carol.address, value: 9n })
    const logs = await client.getFilterChanges({ filter: events })
    expect(logs.length).toBeGreaterThan(0)
    expect(logs.at(-1)?.args).toEqual({ from: carol.address, to: carol.address, value: 9n })
    expect(logs.at(-1)?.eventName).toBe('Transfer')
    const blockHashes = await client.getFilterChanges({ filter: blocks })
    expect(blockHashes.length).toBeGreaterThan(0)
    for (const h of blockHashes) expect((await client.getBlock({ blockHash: h })).hash).toBe(h)
    expect(await client.getFilterChanges({ filter: pending })).toContain(hash)
    for (const filter of [events, blocks, pending])
      expect(await client.uninstallFilter({ filter })).toBe(true)
  })

  it('viem: watchBlocks with poll: true sees consecutive blocks from the block timer', async () => {
    const client = createPublicClient({
      chain: viemChain(live.rpcUrl),
      transport: http(live.rpcUrl),
      pollingInterval: 100,
    })
    const numbers: bigint[] = []
    const unwatch = client.watchBlocks({
      poll: true,
      emitMissed: true,
      onBlock: (b) => void numbers.push(b.number),
    })
    try {
      await until('three blocks', async () => (numbers.length >= 3 ? numbers : undefined), 15_000)
    } finally {
      unwatch()
    }
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe((numbers[i - 1] as bigint) + 1n)
  })

  it('ethers v6: contract.on("Transfer") over an HTTP JsonRpcProvider receives the events', async () => {
    const provider = new JsonRpcProvider(live.rpcUrl, CHAIN_ID, { staticNetwork: true, pollingInterval: 100 })
    try {
      const contract = new Contract(
        emitter,
        ['event Transfer(address indexed from, address indexed to, uint256 value)'],
        provider,
      )
      const got: { from: string; to: string; value: bigint; tx: string }[] = []
      await contract.on('Transfer', (from: string, to: string, value: bigint, ev: Json) => {
        got.push({ from, to, value, tx: ev.log.transactionHash })
      })
      const sent: Hex[] = []
      await until(
        'an ethers Transfer event',
        async () => {
          if (got.length === 0) sent.push(await emit(live.rpcUrl, emitter, 11n, carolNonce++))
          return got.length ? got : undefined
        },
        20_000,
      )
      expect(got[0]).toMatchObject({ from: carol.address, to: carol.address, value: 11n })
      expect(sent).toContain(got[0]?.tx)
      await contract.removeAllListeners()
    } finally {
      provider.destroy()
    }
  })
})

describe('pending transactions over WebSocket, and small anvil extras', () => {
  it('viem watchPendingTransactions (eth_subscribe newPendingTransactions) receives the hash of a sent transaction', async () => {
    const client = createPublicClient({ chain: viemChain(live.rpcUrl), transport: webSocket(live.wsUrl) })
    const seen = new Set<Hex>()
    const unwatch = client.watchPendingTransactions({
      onTransactions: (hashes) => {
        for (const h of hashes) seen.add(h)
      },
    })
    try {
      const sent: Hex[] = []
      await until(
        'a pending transaction over WebSocket',
        async () => {
          if (!sent.some((h) => seen.has(h))) sent.push(await emit(live.rpcUrl, emitter, 1n, carolNonce++))
          return sent.find((h) => seen.has(h))
        },
        15_000,
      )
    } finally {
      unwatch()
      await (await client.transport.getRpcClient()).close()
    }
  })

  it('eth_coinbase, eth_hashrate and web3_sha3 answer as anvil does', async () => {
    const head = await result(live.rpcUrl, 'eth_getBlockByNumber', ['latest', false])
    expect(await result(live.rpcUrl, 'eth_coinbase')).toBe(head.miner)
    const ours = [
      await result(live.rpcUrl, 'eth_hashrate'),
      await result(live.rpcUrl, 'web3_sha3', ['0x68656c6c6f']),
    ]
    expect(ours).toEqual(['0x0', keccak256('0x68656c6c6f')])
    if (anvil) {
      const a = anvil
      expect(ours).toEqual([
        await result(a.url, 'eth_hashrate'),
        await result(a.url, 'web3_sha3', ['0x68656c6c6f']),
      ])
      expect(await result(live.rpcUrl, 'eth_coinbase')).toBe(await result(a.url, 'eth_coinbase')) // both the zero address by default
    }
  })
})

describe('block queries (compared with anvil)', () => {
  it('eth_getBlockReceipts, counts, transactions by block and index and uncles agree with anvil on the same block', async () => {
    // The same two signed transactions in one block on both: a transfer and the emitter's deployment.
    const raws = [
      await signed(dave, { nonce: 0, to: bob.address, value: 5n, gas: 21_000n }),
      await signed(dave, { nonce: 1, data: EMITTER_INIT }),
    ]
    const mine = async (url: string, seal: () => Promise<unknown>) => {
      const hashes: Hex[] = []
      for (const raw of raws) hashes.push(await result(url, 'eth_sendRawTransaction', [raw]))
      await seal()
      const receipt = await receiptOf(url, hashes[0] as Hex)
      const n = receipt.blockNumber
      const hash = receipt.blockHash
      return {
        hashes,
        receipts: await result(url, 'eth_getBlockReceipts', [n]),
        receiptsByHash: await result(url, 'eth_getBlockReceipts', [hash]),
        singles: await Promise.all(hashes.map((h) => result(url, 'eth_getTransactionReceipt', [h]))),
        count: await result(url, 'eth_getBlockTransactionCountByHash', [hash]),
        countByNumber: await result(url, 'eth_getBlockTransactionCountByNumber', [n]),
        byIndex: await result(url, 'eth_getTransactionByBlockNumberAndIndex', [n, '0x1']),
        byHashIndex: await result(url, 'eth_getTransactionByBlockHashAndIndex', [hash, '0x0']),
        single: await result(url, 'eth_getTransactionByHash', [hashes[1]]),
        past: await result(url, 'eth_getTransactionByBlockNumberAndIndex', [n, '0x2']),
        uncles: [
          await result(url, 'eth_getUncleCountByBlockHash', [hash]),
          await result(url, 'eth_getUncleCountByBlockNumber', [n]),
          await result(url, 'eth_getUncleByBlockHashAndIndex', [hash, '0x0']),
          await result(url, 'eth_getUncleByBlockNumberAndIndex', [n, '0x0']),
        ],
      }
    }
    const ours = await mine(manual.rpcUrl, () => manual.chain.produceBlock())
    const { baseFeePerGas } = manual.chain.head()
    expect(ours.receipts.map((r: Json) => BigInt(r.effectiveGasPrice))).toEqual([
      baseFeePerGas + 10n ** 9n,
      baseFeePerGas + 10n ** 9n,
    ])
    expect(ours.receipts).toEqual(ours.singles)
    expect(ours.receiptsByHash).toEqual(ours.singles)
    expect(ours.count).toBe('0x2')
    expect(ours.countByNumber).toBe('0x2')
    expect(ours.byIndex).toEqual(ours.single)
    expect(ours.byHashIndex.hash).toBe(ours.hashes[0])
    expect(ours.past).toBeNull()
    expect(ours.uncles).toEqual(['0x0', '0x0', null, null])
    if (anvilPool) {
      const pool = anvilPool
      const theirs = await mine(pool.url, () => result(pool.url, 'evm_mine'))
      expect(theirs.hashes).toEqual(ours.hashes)
      // Block position and timing differ (anvil's chain has its own blocks); everything else must agree.
      const block = (o: Json) => ({ ...o, blockHash: 'H', blockNumber: 'N', blockTimestamp: undefined })
      // and so do base fees (each chain's history of empty blocks): ours is checked against its block's base fee
      const receipt = (r: Json) => ({
        ...block(r),
        logs: r.logs.map(block),
        logsBloom: 'B',
        effectiveGasPrice: 'P',
      })
      const known = (r: Json) => {
        const { blobGasPrice: _b, blobGasUsed: _u, ...rest } = r
        return rest
      }
      expect(ours.receipts.map(receipt)).toEqual(theirs.receipts.map(known).map(receipt))
      expect(ours.count).toBe(theirs.count)
      const minedTx = (t: Json) => ({ ...block(t), gasPrice: 'P' })
      expect(minedTx(ours.byIndex)).toEqual(minedTx(theirs.byIndex))
      expect(minedTx(ours.byHashIndex)).toEqual(minedTx(theirs.byHashIndex))
      expect(ours.past).toBe(theirs.past)
      expect(ours.uncles).toEqual(theirs.uncles)
    }
  })
})

describe('block queries through viem', () => {
  it('getTransaction by block and index, getBlockTransactionCount by hash, and eth_getBlockReceipts agree with per-hash lookups', async () => {
    const client = createPublicClient({ chain: viemChain(manual.rpcUrl), transport: http(manual.rpcUrl) })
    const hash = await client.sendRawTransaction({
      serializedTransaction: await signed(bob, { nonce: 0, to: carol.address, value: 3n, gas: 21_000n }),
    })
    const block = await manual.chain.produceBlock()
    const byHash = await client.getTransaction({ hash })
    expect(await client.getTransaction({ blockHash: block.header.hash, index: 0 })).toEqual(byHash)
    expect(await client.getTransaction({ blockNumber: block.header.number, index: 0 })).toEqual(byHash)
    expect(await client.getTransaction({ blockTag: 'latest', index: 0 })).toEqual(byHash)
    expect(await client.getBlockTransactionCount({ blockHash: block.header.hash })).toBe(1)
    const receipts = await client.request({
      method: 'eth_getBlockReceipts' as never,
      params: ['latest'] as never,
    })
    expect(receipts).toEqual([await result(manual.rpcUrl, 'eth_getTransactionReceipt', [hash])])
  })
})

describe('txpool (compared with anvil --no-mining)', () => {
  it('txpool_status, txpool_content and txpool_inspect equal anvil’s for the same pooled transactions', async () => {
    const [p0, p1, q3] = [
      await signed(alice, { nonce: 0, to: bob.address, value: 1n, gas: 21_000n }),
      await signed(alice, { nonce: 1, data: '0x6000', gas: 60_000n }),
      await signed(alice, { nonce: 3, to: bob.address, gas: 21_000n }), // behind a gap at 2
    ]
    const pool = async (url: string) => {
      for (const raw of [p0, p1, q3]) await result(url, 'eth_sendRawTransaction', [raw])
      return {
        status: await result(url, 'txpool_status'),
        content: await result(url, 'txpool_content'),
        inspect: await result(url, 'txpool_inspect'),
      }
    }
    const ours = await pool(manual.rpcUrl)
    const from = alice.address.toLowerCase()
    expect(ours.status).toEqual({ pending: '0x2', queued: '0x1' })
    expect(Object.keys(ours.content.pending[from])).toEqual(['0', '1'])
    expect(Object.keys(ours.content.queued[from])).toEqual(['3'])
    expect(ours.inspect.queued[from]['3']).toBe(
      `${bob.address.toLowerCase()}: 0 wei + 21000 gas × 10000000000 wei`,
    )
    expect(await result(manual.rpcUrl, 'txpool_contentFrom', [alice.address])).toEqual({
      pending: ours.content.pending[from],
      queued: ours.content.queued[from],
    })
    if (anvilPool) {
      const theirs = await pool(anvilPool.url)
      expect(ours.status).toEqual(theirs.status)
      expect(ours.inspect).toEqual(theirs.inspect)
      expect(ours.content).toEqual(theirs.content)
    }
    await manual.chain.produceBlock()
    expect(await result(manual.rpcUrl, 'txpool_status')).toEqual({ pending: '0x0', queued: '0x1' })
  })
})

describe('dev-account signing (viem, ethers, raw; compared with anvil)', () => {
  const typed = {
    domain: {
      name: 'Ether Mail',
      version: '1',
      chainId: CHAIN_ID,
      verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
    },
    types: {
      Person: [
        { name: 'name', type: 'string' },
        { name: 'wallet', type: 'address' },
      ],
      Mail: [
        { name: 'from', type: 'Person' },
        { name: 'to', type: 'Person' },
        { name: 'contents', type: 'string' },
        { name: 'amount', type: 'uint256' },
      ],
    },
    primaryType: 'Mail',
    message: {
      from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
      to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
      contents: 'Hello, Bob!',
      amount: 123n,
    },
  } as const

  it('raw: eth_sign, personal_sign, eth_signTypedData_v4 and eth_signTransaction equal anvil’s', async () => {
    const jsonTyped = { ...typed, message: { ...typed.message, amount: '123' } }
    const requests: [string, unknown[]][] = [
      ['eth_sign', [alice.address, '0xdeadbeef']],
      ['personal_sign', ['0x68656c6c6f', bob.address]],
      ['eth_signTypedData_v4', [alice.address, jsonTyped]],
      ['eth_signTypedData_v4', [alice.address, JSON.stringify(jsonTyped)]],
      [
        'eth_signTransaction',
        [
          {
            from: alice.address,
            to: bob.address,
            value: '0x1',
            gas: '0x5208',
            nonce: '0x5',
            maxFeePerGas: '0x77359400',
            maxPriorityFeePerGas: '0x3b9aca00',
          },
        ],
      ],
    ]
    const ours = await Promise.all(requests.map(([m, p]) => result(live.rpcUrl, m, p)))
    expect(
      await verifyMessage({ address: alice.address, message: { raw: '0xdeadbeef' }, signature: ours[0] }),
    ).toBe(true)
    expect(await verifyTypedData({ address: alice.address, ...typed, signature: ours[2] })).toBe(true)
    expect(ours[3]).toBe(ours[2])
    const unknown = await errorOf(live.rpcUrl, 'eth_sign', [`0x${'01'.repeat(20)}`, '0x00'])
    expect(unknown.code).toBe(-32602)
    if (anvil) {
      const a = anvil
      expect(ours).toEqual(await Promise.all(requests.map(([m, p]) => result(a.url, m, p))))
      expect((await errorOf(anvil.url, 'eth_sign', [`0x${'01'.repeat(20)}`, '0x00'])).code).toBe(unknown.code)
    }
  })

  it('viem json-rpc account and ethers JsonRpcSigner sign messages and typed data the node’s dev keys verify', async () => {
    const wallet = createWalletClient({
      account: bob.address,
      chain: viemChain(live.rpcUrl),
      transport: http(live.rpcUrl),
    })
    const message = await wallet.signMessage({ message: 'hello mesh' })
    expect(message).toBe(await bob.signMessage({ message: 'hello mesh' }))
    const typedSig = await wallet.signTypedData(typed)
    expect(typedSig).toBe(await bob.signTypedData(typed))

    const provider = new JsonRpcProvider(live.rpcUrl, CHAIN_ID, { staticNetwork: true })
    try {
      const signer = await provider.getSigner(1)
      expect((await signer.getAddress()).toLowerCase()).toBe(bob.address.toLowerCase())
      expect(await signer.signMessage('hello mesh')).toBe(message)
      const { Person, Mail } = typed.types
      expect(
        await signer.signTypedData(typed.domain, { Person: [...Person], Mail: [...Mail] }, typed.message),
      ).toBe(typedSig)
    } finally {
      provider.destroy()
    }
  })
})
