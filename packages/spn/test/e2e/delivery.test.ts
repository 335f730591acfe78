import '@rollup-mesh/core/polyfill'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { compileAssemblyScript, compileSolidity } from '@rollup-mesh/dual-vm'
import {
  exportProofBundle,
  type ProofBundle,
  registerSPN,
  SETTLEMENT_VK_HASH,
  verifyProofBundle,
} from '@rollup-mesh/mainnet'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hash,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  parseEventLogs,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InboxEntryJSON } from '../../src/index.js'
import { spnMailboxAbi } from '../../src/index.js'
import { kill, type Proc, spawnReady, until as waitUntil } from './helpers.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const MAINNET_BIN = join(root, 'packages/mainnet/src/bin.ts')
const SPN_BIN = join(root, 'packages/spn/src/bin.ts')
const MAINNET_CHAIN_ID = 900
const [governance, operator1, operator2, user] = devAccounts(4) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]

type InboxEntry = InboxEntryJSON

/**
 * Cross-SPN messages end to end, in real processes talking libp2p on 127.0.0.1: the main net and two SPNs
 * that settle to it. SPN 2 learns of SPN 1's finalized exit roots from the main net, fetches the exit batch
 * from SPN 1's node over libp2p request/response, and delivers at the start of a block.
 */
describe('cross-SPN delivery (main net + 2 SPNs, child processes over libp2p)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-delivery-e2e-'))
  const executorDir = join(dir, 'executor')
  const procs: Record<'mainnet' | 'spn1' | 'spn2', Proc | undefined> = {
    mainnet: undefined,
    spn1: undefined,
    spn2: undefined,
  }
  const configs: Record<'spn1' | 'spn2', Record<string, unknown>> = { spn1: {}, spn2: {} }
  const chains = {} as Record<'mainnet' | 'spn1' | 'spn2', ReturnType<typeof defineChain>>
  const client = (n: keyof typeof chains) =>
    createPublicClient({ chain: chains[n], transport: http() }) as PublicClient
  const wallet = (n: keyof typeof chains) =>
    createWalletClient({ account: privateKeyToAccount(user.privateKey), chain: chains[n], transport: http() })
  let evm: Address // Messenger.sol on SPN 1
  let wasm: Address // messenger.ts on SPN 2
  let messengerAbi: Abi
  const logs = () =>
    Object.entries(procs)
      .map(([name, p]) => `--- ${name}\n${p?.stderr().slice(-3000) ?? ''}`)
      .join('\n')
  const until = <T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
    waitUntil(what, f, timeoutMs, logs)

  const chainOf = (name: string, id: number, url: string) =>
    defineChain({
      id,
      name,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    })

  const startSPN = async (name: 'spn1' | 'spn2', bootstrap: string[]): Promise<Proc> => {
    const config = { ...configs[name], p2p: { enabled: true, bootstrap } }
    const p = await spawnReady(SPN_BIN, config, join(dir, `${name}-${Date.now()}.json`))
    procs[name] = p
    chains[name] = chainOf(name, configs[name].chainId as number, p.ready.rpcUrl as string)
    return p
  }
  const addrs = (p: Proc | undefined) => (p?.ready.multiaddrs as string[] | undefined) ?? []

  const inbox = async (n: 'spn1' | 'spn2'): Promise<InboxEntry[]> =>
    (await client(n).request({ method: 'mesh_getInbox' as 'eth_chainId' })) as unknown as InboxEntry[]

  const read = async (n: 'spn1' | 'spn2', address: Address, functionName: string, args: unknown[] = []) =>
    client(n).readContract({ address, abi: messengerAbi, functionName, args } as never) as Promise<unknown>

  /** Sends through `Messenger.send` on `from`; returns the message's exit-tree position and the block. */
  const send = async (
    from: 'spn1' | 'spn2',
    messenger: Address,
    dst: bigint,
    to: Address,
    data: Hex,
    value: bigint,
  ) => {
    const hash = await wallet(from).writeContract({
      address: messenger,
      abi: messengerAbi,
      functionName: 'send',
      args: [dst, to, data],
      value,
      chain: chains[from],
    })
    const receipt = await client(from).waitForTransactionReceipt({ hash, pollingInterval: 100 })
    expect(receipt.status).toBe('success')
    const [ev] = parseEventLogs({ abi: spnMailboxAbi, eventName: 'MessageSent', logs: receipt.logs })
    expect(ev).toBeDefined()
    return { hash, block: receipt.blockNumber, sentAt: Date.now() }
  }

  const delivered = (n: 'spn1' | 'spn2', filter: (e: InboxEntry) => boolean) =>
    until(`a delivery on ${n}`, async () => (await inbox(n)).find((e) => filter(e) && e.status !== 'queued'))

  beforeAll(async () => {
    cpSync(join(root, 'packages/dual-vm/dist'), executorDir, { recursive: true })
    procs.mainnet = await spawnReady(
      MAINNET_BIN,
      { dataDir: join(dir, 'mainnet'), chainId: MAINNET_CHAIN_ID, blockTimeMs: 200, logLevel: 'warn' },
      join(dir, 'mainnet.json'),
    )
    chains.mainnet = chainOf('mainnet', MAINNET_CHAIN_ID, procs.mainnet.ready.rpcUrl as string)
    for (const [i, name] of (['spn1', 'spn2'] as const).entries())
      configs[name] = {
        spnId: name,
        chainId: 9001 + i,
        dataDir: join(dir, name),
        blockTimeMs: 200,
        devAccounts: 4,
        logLevel: 'info',
        settlement: {
          mainnetRpcUrl: procs.mainnet.ready.rpcUrl,
          mainnetChainId: MAINNET_CHAIN_ID,
          operatorKey: (i === 0 ? operator1 : operator2).privateKey,
          intervalMs: 2000,
          executorDir,
          // The prover's own process at the node's priority: the test machine is shared and loaded, and a
          // lowered prover waits for everyone else's processes (the priority itself is zk-bridge's test).
          proverNiceness: 0,
        },
      }
    await startSPN('spn1', addrs(procs.mainnet))
    await startSPN('spn2', [...addrs(procs.mainnet), ...addrs(procs.spn1)])
    const gov = createWalletClient({
      account: privateKeyToAccount(governance.privateKey),
      chain: chains.mainnet,
      transport: http(),
    })
    for (const [i, name] of (['spn1', 'spn2'] as const).entries()) {
      const info = procs[name]?.ready.settlement as {
        measurement: Hex
        simulatedRoot: Hex
        genesisStateRoot: Hash
        operator: Address
      }
      const hash = await registerSPN(gov, {
        spnId: BigInt(i + 1),
        chainId: BigInt(9001 + i),
        operator: info.operator,
        measurements: [info.measurement],
        simulatedRoots: [info.simulatedRoot],
        vkHash: SETTLEMENT_VK_HASH,
        genesisStateRoot: info.genesisStateRoot,
        bond: parseEther('1'),
      })
      expect((await client('mainnet').waitForTransactionReceipt({ hash, pollingInterval: 100 })).status).toBe(
        'success',
      )
    }
    const { contracts } = await compileSolidity({
      sources: { 'Messenger.sol': readFileSync(join(root, 'examples/contracts/Messenger.sol'), 'utf8') },
    })
    const sol = contracts.Messenger as { abi: Abi; bytecode: Hex }
    messengerAbi = sol.abi
    const wasmBuild = await compileAssemblyScript(join(root, 'examples/contracts/messenger.ts'), {
      abi: sol.abi,
    })
    const deploy = async (n: 'spn1' | 'spn2', bytecode: Hex) => {
      const hash = await wallet(n).deployContract({ abi: sol.abi, bytecode, chain: chains[n] })
      const r = await client(n).waitForTransactionReceipt({ hash, pollingInterval: 100 })
      expect(r.status).toBe('success')
      return r.contractAddress as Address
    }
    evm = await deploy('spn1', sol.bytecode)
    wasm = await deploy('spn2', wasmBuild.bytecode)
  }, 180_000)

  afterAll(async () => {
    await kill(procs.spn2)
    await kill(procs.spn1)
    await kill(procs.mainnet)
    rmSync(dir, { recursive: true, force: true })
  })

  it('the SPNs peer with the main net and each other over libp2p', async () => {
    await until('peers', async () => {
      const info = (await client('spn2').request({
        method: 'mesh_nodeInfo' as 'eth_chainId',
      })) as unknown as {
        peers: string[]
      }
      return info.peers.length >= 2 ? info.peers : undefined
    })
  })

  it('an EVM contract on SPN 1 sends value to a WASM contract on SPN 2: executed exactly once', async () => {
    const sent = await send('spn1', evm, 2n, wasm, '0xc0ffee', parseEther('1.25'))
    const entry = await delivered('spn2', (e) => e.to.toLowerCase() === wasm.toLowerCase())
    const latencyMs = Date.now() - sent.sentAt
    expect(entry.status).toBe('delivered')
    // the source tells which exit-tree position the transaction's message got
    const byTx = (await client('spn1').request({
      method: 'mesh_getMessagesByTx' as 'eth_chainId',
      params: [sent.hash] as unknown as undefined,
    })) as unknown as { position: number; dstSpn: Hex; to: Address }[]
    expect(byTx).toHaveLength(1)
    expect(BigInt(byTx[0]?.position ?? -1)).toBe(BigInt(entry.position))
    expect(byTx[0]?.dstSpn).toBe('0x2')
    expect(await read('spn2', wasm, 'received')).toBe(1n)
    expect(await read('spn2', wasm, 'valueReceived')).toBe(parseEther('1.25'))
    expect(await read('spn2', wasm, 'lastSrcSpn')).toBe(1n)
    expect(((await read('spn2', wasm, 'lastSender')) as Address).toLowerCase()).toBe(evm.toLowerCase())
    expect(await read('spn2', wasm, 'lastData')).toBe('0xc0ffee')
    expect(await client('spn2').getBalance({ address: wasm })).toBe(parseEther('1.25'))
    // the delivery is a deposit transaction at the start of its block, from the system address
    const tx = (await client('spn2').request({
      method: 'eth_getTransactionByHash',
      params: [entry.transactionHash as Hash],
    })) as unknown as { type: Hex; from: Address; to: Address; mint: Hex; transactionIndex: Hex }
    expect(tx.type).toBe('0x7e')
    expect(tx.from.toLowerCase()).toBe(SYSTEM_ADDRESSES.spn.system)
    expect(tx.to.toLowerCase()).toBe(SYSTEM_ADDRESSES.spn.mailbox)
    expect(BigInt(tx.mint)).toBe(parseEther('1.25'))
    const receipt = await client('spn2').getTransactionReceipt({ hash: entry.transactionHash as Hash })
    expect(receipt.status).toBe('success')
    expect(
      parseEventLogs({ abi: spnMailboxAbi, eventName: 'MessageDelivered', logs: receipt.logs }),
    ).toHaveLength(1)
    // exactly once: more blocks and settlement rounds change nothing
    const head = await client('spn2').getBlockNumber()
    await until('10 more blocks', async () =>
      (await client('spn2').getBlockNumber()) > head + 10n ? true : undefined,
    )
    expect(await read('spn2', wasm, 'received')).toBe(1n)
    expect((await inbox('spn2')).filter((e) => e.to.toLowerCase() === wasm.toLowerCase())).toHaveLength(1)
    console.log(`message latency (send on SPN 1 → executed on SPN 2): ${latencyMs} ms`)
  }, 120_000)

  it('the WASM contract sends back to the EVM contract on SPN 1', async () => {
    await send('spn2', wasm, 1n, evm, '0x706f6e67', 3n)
    const entry = await delivered('spn1', (e) => e.to.toLowerCase() === evm.toLowerCase())
    expect(entry.status).toBe('delivered')
    expect(await read('spn1', evm, 'received')).toBe(1n)
    expect(await read('spn1', evm, 'valueReceived')).toBe(3n)
    expect(await read('spn1', evm, 'lastSrcSpn')).toBe(2n)
    expect(((await read('spn1', evm, 'lastSender')) as Address).toLowerCase()).toBe(wasm.toLowerCase())
  }, 120_000)

  it('a second delivery fails: only the block producer delivers, and the nullifier is set', async () => {
    const [entry] = await inbox('spn2')
    const e = entry as InboxEntry
    expect(
      await client('spn2').readContract({
        address: SYSTEM_ADDRESSES.spn.mailbox,
        abi: spnMailboxAbi,
        functionName: 'deliveryStatus',
        args: [BigInt(e.srcSpn), BigInt(e.position)],
      }),
    ).toBe(1)
    await expect(
      client('spn2').simulateContract({
        account: user.address,
        address: SYSTEM_ADDRESSES.spn.mailbox,
        abi: spnMailboxAbi,
        functionName: 'deliver',
        args: [
          {
            srcSpn: BigInt(e.srcSpn),
            position: BigInt(e.position),
            sender: e.sender,
            to: e.to,
            value: BigInt(e.value),
            data: e.data,
          },
          `0x${'00'.repeat(32)}`,
          new Array(24).fill(`0x${'00'.repeat(32)}`) as never,
        ],
        value: BigInt(e.value),
      }),
    ).rejects.toThrow(/only the block producer delivers/)
  })

  it('a failing recipient does not block the queue: marked failed, then retried by anyone', async () => {
    const close = async (v: boolean) => {
      const hash = await wallet('spn2').writeContract({
        address: wasm,
        abi: messengerAbi,
        functionName: 'setClosed',
        args: [v],
        chain: chains.spn2,
      })
      await client('spn2').waitForTransactionReceipt({ hash, pollingInterval: 100 })
    }
    await close(true)
    await send('spn1', evm, 2n, wasm, '0x01', 11n)
    await send('spn1', evm, 2n, user.address, '0x', 13n) // behind it in the queue
    const failed = await delivered('spn2', (e) => e.data === '0x01')
    expect(failed.status).toBe('failed')
    await delivered('spn2', (e) => e.to.toLowerCase() === user.address.toLowerCase())
    expect(await read('spn2', wasm, 'received')).toBe(1n)
    await close(false)
    const hash = await wallet('spn2').writeContract({
      address: SYSTEM_ADDRESSES.spn.mailbox,
      abi: spnMailboxAbi,
      functionName: 'retryMessage',
      args: [
        {
          srcSpn: BigInt(failed.srcSpn),
          position: BigInt(failed.position),
          sender: failed.sender,
          to: failed.to,
          value: BigInt(failed.value),
          data: failed.data,
        },
      ],
      chain: chains.spn2,
    })
    expect((await client('spn2').waitForTransactionReceipt({ hash, pollingInterval: 100 })).status).toBe(
      'success',
    )
    expect(await read('spn2', wasm, 'received')).toBe(2n)
    expect(await read('spn2', wasm, 'valueReceived')).toBe(parseEther('1.25') + 11n)
  }, 120_000)

  it('kill -9 of the destination while a message is in flight: delivered exactly once after the restart', async () => {
    const before = (await read('spn2', wasm, 'received')) as bigint
    await send('spn1', evm, 2n, wasm, '0x02', 1n)
    await kill(procs.spn2)
    await startSPN('spn2', [...addrs(procs.mainnet), ...addrs(procs.spn1)])
    await delivered('spn2', (e) => e.data === '0x02')
    expect(await read('spn2', wasm, 'received')).toBe(before + 1n)
    expect((await inbox('spn2')).filter((e) => e.data === '0x02')).toHaveLength(1)
  }, 150_000)

  it('kill -9 of the source while proving: the message is settled and delivered exactly once', async () => {
    const before = (await read('spn2', wasm, 'received')) as bigint
    const p = procs.spn1 as Proc
    const seen = p.msgs.filter((m) => m === 'proving settlement').length
    await send('spn1', evm, 2n, wasm, '0x03', 1n)
    await until('proving', async () =>
      p.msgs.filter((m) => m === 'proving settlement').length > seen ? true : undefined,
    )
    await kill(procs.spn1)
    await startSPN('spn1', [...addrs(procs.mainnet), ...addrs(procs.spn2)])
    await delivered('spn2', (e) => e.data === '0x03')
    expect(await read('spn2', wasm, 'received')).toBe(before + 1n)
  }, 150_000)

  it('a proof bundle exported for a message verifies offline; a tampered one fails naming the check', async () => {
    const [first] = await inbox('spn2')
    const exporting = () =>
      exportProofBundle({
        spn: client('spn1'),
        mainnet: client('mainnet'),
        position: Number(BigInt((first as InboxEntry).position)),
      })
    // A bundle (v2) carries the accepting block's commit certificate: a single-key main net without
    // mesh_getCommit refuses to export, naming the method. The rest needs the BFT node.
    const commit = await client('mainnet')
      .request({ method: 'mesh_getCommit' as never, params: ['latest'] as never })
      .then(
        () => true,
        (e: { code?: number }) => e.code !== -32601,
      )
    if (!commit) {
      const refused = await exporting().catch((e: unknown) => e)
      expect(refused).toMatchObject({ code: 'BUNDLE_COMMIT_UNAVAILABLE' })
      expect((refused as Error).message).toContain('does not serve mesh_getCommit')
      console.log('main net without mesh_getCommit: export refused (BUNDLE_COMMIT_UNAVAILABLE), as expected')
      return
    }
    const bundle = await exporting()
    const json = JSON.parse(JSON.stringify(bundle)) as ProofBundle
    const started = performance.now()
    const result = await verifyProofBundle(json)
    const verifyMs = performance.now() - started
    expect(result.failed).toBeUndefined()
    expect(result.ok).toBe(true)
    expect(result.checks.map((c) => c.name)).toEqual([
      'bundle',
      'message-leaf',
      'inclusion',
      'settled-root',
      'verifying-key',
      'header',
      'public-signals',
      'groth16',
      'tee-quote',
      'mainnet-header-signature',
      'mainnet-tx-inclusion',
      'mainnet-tx-calldata',
      'mainnet-receipt',
      'validator-set',
      'commit-certificate',
    ])
    console.log(`bundle verified offline in ${verifyMs.toFixed(0)} ms`)
    const tamper = async (f: (b: ProofBundle) => void) => {
      const t = JSON.parse(JSON.stringify(bundle)) as ProofBundle
      f(t)
      return (await verifyProofBundle(t)).failed
    }
    expect(await tamper((b) => (b.message.value = '1'))).toBe('message-leaf')
    expect(await tamper((b) => (b.inclusion.siblings[3] = `0x${'11'.repeat(32)}`))).toBe('inclusion')
    expect(
      await tamper((b) => {
        const s = [...b.acceptance.publicSignals]
        s[4] = '5'
        b.acceptance.publicSignals = s
      }),
    ).toBe('public-signals')
    expect(
      await tamper((b) => {
        const p = b.acceptance.proof
        b.acceptance.proof = `${p.slice(0, 10)}${p[10] === '0' ? '1' : '0'}${p.slice(11)}` as Hex
      }),
    ).toBe('groth16')
    expect(await tamper((b) => (b.registry.measurements = [`0x${'ab'.repeat(32)}`]))).toBe('tee-quote')
    expect(await verifyProofBundle(bundle, { validator: user.address }).then((r) => r.failed)).toBe(
      'mainnet-header-signature',
    )
  }, 60_000)
})
