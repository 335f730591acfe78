import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { devAccounts } from '@rollup-mesh/core'
import { type CompiledContract, compileAssemblyScript, compileSolidityFile } from '@rollup-mesh/dual-vm'
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  NonceTooLowError,
  parseEther,
  parseEventLogs,
  webSocket,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, killSPN, type RunningSPN, rpc, startAnvil, startSPN, tempDir } from './helpers.js'

const CHAIN_ID = 31_338
const dev = devAccounts(10)
const alice = privateKeyToAccount(dev[0]!.privateKey)
const bob = privateKeyToAccount(dev[1]!.privateKey)
const tokenPath = fileURLToPath(new URL('../../../../examples/contracts/Token.sol', import.meta.url))
const asTokenPath = fileURLToPath(new URL('../../../../examples/contracts/token.ts', import.meta.url))

let dir: string
let spn: RunningSPN
let anvil: { proc: ChildProcess; url: string } | undefined
let Token: CompiledContract
let AsToken: Awaited<ReturnType<typeof compileAssemblyScript>>
let token: Address

beforeAll(async () => {
  dir = tempDir('spn-e2e-')
  const [node, compiled, a, asCompiled] = await Promise.all([
    startSPN({
      chainId: CHAIN_ID,
      dataDir: join(dir, 'data'),
      blockTimeMs: 200,
      rpc: { maxBodyBytes: 512 * 1024 },
    }),
    compileSolidityFile(tokenPath),
    startAnvil(CHAIN_ID),
    compileAssemblyScript(asTokenPath),
  ])
  AsToken = asCompiled
  spn = node
  anvil = a
  Token = compiled.contracts.Token!
}, 60_000)

afterAll(async () => {
  await killSPN(spn)
  if (anvil?.proc.pid) {
    const exited = new Promise((r) => anvil?.proc.once('exit', r))
    process.kill(anvil.proc.pid, 'SIGKILL')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

const clients = () => {
  const publicClient = createPublicClient({ chain: spn.chain, transport: http(spn.url), pollingInterval: 50 })
  const wallet = createWalletClient({ chain: spn.chain, transport: http(spn.url), account: alice })
  return { publicClient, wallet }
}

describe('SPN node over JSON-RPC (child process, viem)', () => {
  it('starts at genesis with anvil’s 10 funded dev accounts and answers like anvil', async () => {
    const { publicClient } = clients()
    expect(await publicClient.getChainId()).toBe(CHAIN_ID)
    const accounts = (await rpc(spn.url, call('eth_accounts'))).json.result as string[]
    expect(accounts).toEqual(dev.map((d) => d.address.toLowerCase()))
    for (const d of dev.slice(0, 3))
      expect(await publicClient.getBalance({ address: d.address })).toBe(parseEther('10000'))
    const info = (await rpc(spn.url, call('mesh_nodeInfo'))).json.result
    expect(info).toMatchObject({ role: 'spn', spnId: 'spn1', vms: ['evm', 'wasm'], senderRecovery: 'native' })
    if (anvil) {
      // The same questions to anvil: same accounts, balances, simple-transfer estimate, net_version and error codes.
      const q = [
        call('eth_accounts', [], 1),
        call('eth_getBalance', [dev[5]!.address, 'latest'], 2),
        call('eth_estimateGas', [{ from: dev[0]!.address, to: dev[1]!.address, value: '0x1' }], 3),
        call('net_version', [], 4),
        call('eth_chainId', [], 5),
        call('eth_getCode', [dev[0]!.address, 'latest'], 6),
        call('eth_getTransactionReceipt', [`0x${'00'.repeat(32)}`], 7),
      ]
      const [ours, theirs] = await Promise.all([rpc(spn.url, q), rpc(anvil.url, q)])
      expect(ours.json.map((r: { result: unknown }) => r.result)).toEqual(
        theirs.json.map((r: { result: unknown }) => r.result),
      )
      const nf = call('no_such_method')
      const [e1, e2] = await Promise.all([rpc(spn.url, nf), rpc(anvil.url, nf)])
      expect(e1.json.error.code).toBe(e2.json.error.code)
    }
  })

  it('deploys the Solidity token, transfers, and serves receipts, balances and logs', async () => {
    const { publicClient, wallet } = clients()
    const deployHash = await wallet.deployContract({
      abi: Token.abi,
      bytecode: Token.bytecode,
      args: ['Mesh Token', 'MESH', 1_000_000n * 10n ** 18n],
    })
    const deployed = await publicClient.waitForTransactionReceipt({ hash: deployHash, timeout: 10_000 })
    expect(deployed.status).toBe('success')
    token = deployed.contractAddress!
    expect(await publicClient.getCode({ address: token })).toBe(Token.deployedBytecode)
    const read = (functionName: string, args: unknown[] = []) =>
      publicClient.readContract({ address: token, abi: Token.abi, functionName, args } as never)
    expect(await read('symbol')).toBe('MESH')
    expect(await read('balanceOf', [alice.address])).toBe(1_000_000n * 10n ** 18n)

    const hash = await wallet.writeContract({
      address: token,
      abi: Token.abi,
      functionName: 'transfer',
      args: [bob.address, 1234n],
    })
    const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 10_000 })
    expect(receipt.status).toBe('success')
    expect(receipt.from).toBe(alice.address.toLowerCase())
    expect(receipt.gasUsed).toBeGreaterThan(21_000n)
    const [transfer] = parseEventLogs({
      abi: Token.abi,
      logs: receipt.logs,
      eventName: 'Transfer',
    }) as unknown as {
      args: { from: Address; to: Address; value: bigint }
    }[]
    expect(transfer?.args).toEqual({ from: alice.address, to: bob.address, value: 1234n })
    expect(await read('balanceOf', [bob.address])).toBe(1234n)

    const events = await publicClient.getContractEvents({
      address: token,
      abi: Token.abi,
      eventName: 'Transfer',
      fromBlock: 0n,
      toBlock: 'latest',
    })
    expect(events.map((e) => (e as unknown as { args: { value: bigint } }).args.value)).toEqual([
      1_000_000n * 10n ** 18n,
      1234n,
    ])
    const byBob = await publicClient.getContractEvents({
      address: token,
      abi: Token.abi,
      eventName: 'Transfer',
      args: { to: bob.address },
      fromBlock: 0n,
    })
    expect(byBob).toHaveLength(1)
    expect(byBob[0]?.transactionHash).toBe(hash)

    // Blocks link by hash and carry the receipt's bloom and gas.
    const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true })
    const parent = await publicClient.getBlock({ blockNumber: receipt.blockNumber - 1n })
    expect(block.parentHash).toBe(parent.hash)
    expect(block.transactions.map((t) => t.hash)).toContain(hash)
    expect((await publicClient.getBlock({ blockHash: block.hash })).number).toBe(block.number)
    const tx = await publicClient.getTransaction({ hash })
    expect(tx).toMatchObject({
      from: alice.address.toLowerCase(),
      to: token,
      blockNumber: receipt.blockNumber,
      type: 'eip1559',
    })
    expect(await publicClient.getTransactionCount({ address: alice.address })).toBe(2)
  })

  it('deploys the AssemblyScript token (WASM) with the same viem calls, and its reverts decode too', async () => {
    const { publicClient, wallet } = clients()
    const hash = await wallet.deployContract({
      abi: AsToken.abi,
      bytecode: AsToken.bytecode,
      args: ['Wasm Token', 'WASM', 5_000n],
    })
    const deployed = await publicClient.waitForTransactionReceipt({ hash, timeout: 15_000 })
    expect(deployed.status).toBe('success')
    const wasmToken = deployed.contractAddress!
    const read = (functionName: string, args: unknown[] = []) =>
      publicClient.readContract({ address: wasmToken, abi: AsToken.abi, functionName, args } as never)
    expect(await read('symbol')).toBe('WASM')
    expect(await read('balanceOf', [alice.address])).toBe(5_000n)
    const tx = await wallet.writeContract({
      address: wasmToken,
      abi: AsToken.abi,
      functionName: 'transfer',
      args: [bob.address, 42n],
    })
    const receipt = await publicClient.waitForTransactionReceipt({ hash: tx, timeout: 15_000 })
    expect(receipt.status).toBe('success')
    expect(await read('balanceOf', [bob.address])).toBe(42n)
    const events = await publicClient.getContractEvents({
      address: wasmToken,
      abi: AsToken.abi,
      eventName: 'Transfer',
      fromBlock: deployed.blockNumber,
    })
    expect(events.map((e) => (e as unknown as { args: { value: bigint } }).args.value)).toEqual([5_000n, 42n])
    const err = await publicClient
      .simulateContract({
        account: bob,
        address: wasmToken,
        abi: AsToken.abi,
        functionName: 'transfer',
        args: [alice.address, 10n ** 9n],
      })
      .catch((e: unknown) => e)
    const revert = (err as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError
    expect(revert?.reason).toBe('ERC20: transfer amount exceeds balance')
  })

  it('delivers Transfer events to watchContractEvent over WebSocket and newHeads to eth_subscribe', async () => {
    const { wallet } = clients()
    const wsClient = createPublicClient({ chain: spn.chain, transport: webSocket(spn.wsUrl) })
    const got = new Promise<{ from: Address; to: Address; value: bigint }>((resolve) => {
      const unwatch = wsClient.watchContractEvent({
        address: token,
        abi: Token.abi,
        eventName: 'Transfer',
        onLogs: (logs) => {
          unwatch()
          resolve((logs[0] as unknown as { args: { from: Address; to: Address; value: bigint } }).args)
        },
      })
    })
    const heads: bigint[] = []
    const unwatchBlocks = await new Promise<() => void>((resolve) => {
      const un = wsClient.watchBlockNumber({ onBlockNumber: (n) => heads.push(n), emitOnBegin: false })
      setTimeout(() => resolve(un), 100)
    })
    await new Promise((r) => setTimeout(r, 200))
    await wallet.writeContract({
      address: token,
      abi: Token.abi,
      functionName: 'transfer',
      args: [dev[2]!.address, 77n],
    })
    expect(await got).toEqual({ from: alice.address, to: dev[2]!.address, value: 77n })
    // newHeads for the same block follows the logs notification.
    for (let i = 0; i < 60 && heads.length === 0; i++) await new Promise((r) => setTimeout(r, 50))
    unwatchBlocks()
    expect(heads.length).toBeGreaterThan(0)
    await wsClient.transport.getRpcClient().then((c) => c.close())
  })

  it('surfaces revert reasons in viem (eth_call and estimateGas) and records failed transactions', async () => {
    const { publicClient, wallet } = clients()
    const err = await publicClient
      .simulateContract({
        account: bob,
        address: token,
        abi: Token.abi,
        functionName: 'transfer',
        args: [alice.address, 10n ** 30n],
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BaseError)
    const revert = (err as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError
    expect(revert?.reason).toBe('ERC20: transfer amount exceeds balance')
    const raw = await rpc(
      spn.url,
      call('eth_estimateGas', [
        {
          from: bob.address,
          to: token,
          data: `0xa9059cbb${'00'.repeat(12)}${alice.address.slice(2)}${'ff'.repeat(32)}`,
        },
      ]),
    )
    expect(raw.json.error.code).toBe(3)
    expect(raw.json.error.message).toBe('execution reverted: ERC20: transfer amount exceeds balance')
    expect(raw.json.error.data.startsWith('0x08c379a0')).toBe(true)
    // Sent anyway with a fixed gas: mined, status reverted.
    const hash = await wallet.writeContract({
      account: bob,
      address: token,
      abi: Token.abi,
      functionName: 'transfer',
      args: [alice.address, 10n ** 30n],
      gas: 100_000n,
    })
    const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 10_000 })
    expect(receipt.status).toBe('reverted')
  })

  it('signs for dev accounts with eth_sendTransaction and answers batches', async () => {
    const { publicClient } = clients()
    const jsonRpcWallet = createWalletClient({
      chain: spn.chain,
      transport: http(spn.url),
      account: dev[3]!.address,
    })
    const hash = await jsonRpcWallet.sendTransaction({ to: dev[4]!.address, value: 5n })
    expect((await publicClient.waitForTransactionReceipt({ hash, timeout: 10_000 })).status).toBe('success')
    const unknown = await rpc(
      spn.url,
      call('eth_sendTransaction', [{ from: `0x${'12'.repeat(20)}`, to: dev[4]!.address }]),
    )
    expect(unknown.json.error).toMatchObject({
      code: -32000,
      message: expect.stringContaining('unknown account'),
    })

    const batch = await rpc(spn.url, [
      ...dev.map((d, i) => call('eth_getBalance', [d.address, 'latest'], i)),
      call('eth_blockNumber', [], 'n'),
      call('eth_getBalance', ['0x1234'], 'bad'),
    ])
    expect(batch.json).toHaveLength(12)
    expect(batch.json[4].result).toBe('0x21e19e0c9bab2400005') // 10,000 ETH + 5 wei
    expect(batch.json[11]).toMatchObject({ id: 'bad', error: { code: -32602 } })
    const batched = createPublicClient({ chain: spn.chain, transport: http(spn.url, { batch: true }) })
    const [n, bal, count] = await Promise.all([
      batched.getBlockNumber(),
      batched.getBalance({ address: dev[9]!.address }),
      batched.getTransactionCount({ address: dev[3]!.address }),
    ])
    expect(n).toBeGreaterThan(0n)
    expect(bal).toBe(parseEther('10000'))
    expect(count).toBe(1)
    const fees = await publicClient.getFeeHistory({ blockCount: 4, rewardPercentiles: [50] })
    expect(fees.baseFeePerGas).toHaveLength(5)
    expect(fees.reward).toHaveLength(4)
    const est = await publicClient.estimateFeesPerGas()
    expect(est.maxFeePerGas).toBeGreaterThan(0n)
  })

  it('gives the right error for each bad input and keeps serving', async () => {
    const send = async (raw: string) => (await rpc(spn.url, call('eth_sendRawTransaction', [raw]))).json
    const sign = (o: { nonce: number; chainId?: number; to?: Address; value?: bigint }, who = dev[6]!) =>
      privateKeyToAccount(who.privateKey).signTransaction({
        type: 'eip1559',
        chainId: o.chainId ?? CHAIN_ID,
        nonce: o.nonce,
        to: o.to ?? dev[7]!.address,
        value: o.value ?? 1n,
        gas: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 10n ** 9n,
      })
    expect((await rpc(spn.url, '{"jsonrpc":"2.0","id":1,"method":')).json.error.code).toBe(-32700)
    expect((await rpc(spn.url, call('eth_getBalance', ['not-an-address']))).json.error).toEqual({
      code: -32602,
      message: 'invalid argument 0: expected a 20-byte hex address',
    })
    expect((await rpc(spn.url, call('eth_getBalance', []))).json.error.code).toBe(-32602)
    expect((await rpc(spn.url, call('eth_getBlockByNumber', ['0x01', false]))).json.error.code).toBe(-32602) // leading zero
    expect((await rpc(spn.url, call('eth_fooBar'))).json.error).toEqual({
      code: -32601,
      message: 'the method eth_fooBar does not exist/is not available',
    })
    const big = await rpc(spn.url, call('eth_sendRawTransaction', [`0x${'00'.repeat(300 * 1024)}`]))
    expect(big.status).toBe(413)
    expect(big.json.error.code).toBe(-32600)
    expect((await send(`0x02${'00'.repeat(129 * 1024)}`)).error.message).toMatch(/^oversized data/)

    const good = await sign({ nonce: 0 })
    // Bad signature: one bit of s flipped, so it recovers a stranger with no funds (or nothing).
    const tampered = `${good.slice(0, -6)}${((Number.parseInt(good.slice(-6, -4), 16) ^ 1) & 0xff).toString(16).padStart(2, '0')}${good.slice(-4)}`
    expect((await send(tampered)).error).toMatchObject({
      code: -32000,
      message: expect.stringMatching(/invalid sender|insufficient funds/),
    })
    expect((await send('0x02f8')).error.message).toMatch(/^rlp: invalid transaction encoding/)
    expect((await send(await sign({ nonce: 0, chainId: 1 }))).error.message).toBe(
      `invalid chain id for signer: have 1 want ${CHAIN_ID}`,
    )
    // Nonce gap: nonce 1 is accepted and held back until nonce 0 arrives.
    const n1 = await sign({ nonce: 1 })
    const h1 = (await send(n1)).result as Hex
    expect(h1).toBe(keccak256(n1 as Hex))
    await new Promise((r) => setTimeout(r, 600))
    expect((await rpc(spn.url, call('eth_getTransactionReceipt', [h1]))).json.result).toBeNull()
    expect((await rpc(spn.url, call('eth_getTransactionByHash', [h1]))).json.result).toMatchObject({
      blockHash: null,
      nonce: '0x1',
    })
    expect((await send(await sign({ nonce: 100 }))).error.message).toMatch(/^nonce too high/)
    const h0 = (await send(good)).result as Hex
    // Replay while pending: already known.
    expect((await send(good)).error).toEqual({ code: -32000, message: 'already known' })
    const { publicClient } = clients()
    await publicClient.waitForTransactionReceipt({ hash: h0, timeout: 10_000 })
    await publicClient.waitForTransactionReceipt({ hash: h1, timeout: 10_000 })
    // Replay after inclusion: nonce too low (viem maps it to NonceTooLowError).
    expect((await send(good)).error.message).toBe('nonce too low: next nonce 2, tx nonce 0')
    const w6 = createWalletClient({
      chain: spn.chain,
      transport: http(spn.url),
      account: privateKeyToAccount(dev[6]!.privateKey),
    })
    const viemErr = await w6
      .sendTransaction({ to: dev[7]!.address, value: 1n, nonce: 0, gas: 21_000n })
      .catch((e: unknown) => e)
    expect((viemErr as BaseError).walk((e) => e instanceof NonceTooLowError)).toBeInstanceOf(NonceTooLowError)
    const poor = privateKeyToAccount(`0x${'42'.repeat(32)}`)
    const poorTx = await poor.signTransaction({
      type: 'eip1559',
      chainId: CHAIN_ID,
      nonce: 0,
      to: dev[0]!.address,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
    })
    expect((await send(poorTx)).error.message).toMatch(/^insufficient funds for gas \* price \+ value/)
    // Still serving.
    expect((await rpc(spn.url, call('eth_blockNumber'))).json.result).toMatch(/^0x[0-9a-f]+$/)
  })
})

describe('crash safety', () => {
  it('kill -9 under load, restart on the same data dir: no acknowledged transaction lost, chain continues', async () => {
    const dataDir = join(dir, 'crash')
    let node = await startSPN({ chainId: CHAIN_ID + 1, dataDir, blockTimeMs: 100 })
    const senders = dev.slice(0, 6).map((d) => privateKeyToAccount(d.privateKey))
    const perSender = 40
    const signed: Hex[][] = await Promise.all(
      senders.map((s) =>
        Promise.all(
          Array.from({ length: perSender }, (_, nonce) =>
            s.signTransaction({
              type: 'eip1559',
              chainId: CHAIN_ID + 1,
              nonce,
              to: dev[9]!.address,
              value: 1n,
              gas: 21_000n,
              maxFeePerGas: 10n ** 11n,
              maxPriorityFeePerGas: 10n ** 9n,
            }),
          ),
        ),
      ),
    )
    const acked: Hex[] = []
    let killed = false
    // Batches of one tx per sender, in nonce order; the node is killed part-way through.
    for (let nonce = 0; nonce < perSender && !killed; nonce++) {
      const batch = signed.map((list, i) => call('eth_sendRawTransaction', [list[nonce]], `${i}-${nonce}`))
      const sending = rpc(node.url, batch).then(
        (r) => {
          for (const item of r.json as { result?: Hex }[]) if (item.result) acked.push(item.result)
        },
        () => undefined, // in flight at the kill: not acknowledged
      )
      if (nonce === 25) {
        await killSPN(node, 'SIGKILL')
        killed = true
      }
      await sending
    }
    expect(acked.length).toBeGreaterThanOrEqual(6 * 20)
    const ackedBefore = acked.length

    node = await startSPN({ chainId: CHAIN_ID + 1, dataDir, blockTimeMs: 100 })
    try {
      const publicClient = createPublicClient({
        chain: node.chain,
        transport: http(node.url),
        pollingInterval: 50,
      })
      const headAfterRestart = await publicClient.getBlockNumber()
      const receipts = await Promise.all(
        acked.map((hash) =>
          publicClient.waitForTransactionReceipt({ hash, timeout: 15_000, pollingInterval: 100 }),
        ),
      )
      expect(receipts.every((r) => r.status === 'success')).toBe(true)
      expect(receipts).toHaveLength(ackedBefore)
      // The chain continues past its pre-crash head and links by hash all the way down (an idle node seals
      // one block a second: timestamps strictly increase).
      await new Promise((r) => setTimeout(r, 1_200))
      const head = await publicClient.getBlockNumber()
      expect(head).toBeGreaterThan(headAfterRestart)
      const blocks = (
        await rpc(
          node.url,
          Array.from({ length: Number(head) + 1 }, (_, n) =>
            call('eth_getBlockByNumber', [`0x${n.toString(16)}`, false], n),
          ),
        )
      ).json.map((r: { result: { hash: Hex; parentHash: Hex } }) => r.result)
      for (let n = 1; n < blocks.length; n++) expect(blocks[n].parentHash).toBe(blocks[n - 1].hash)
      // Every sender's nonce equals what was acknowledged for it (nothing replayed, nothing lost).
      const mined = new Set(receipts.map((r) => r.transactionHash))
      expect(acked.every((h) => mined.has(h))).toBe(true)
    } finally {
      await killSPN(node)
    }
  }, 60_000)
})
