import '@rollup-mesh/core/polyfill'
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as shared from '@rollup-mesh/chain'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { compileAssemblyScript, compileSolidity } from '@rollup-mesh/dual-vm'
import * as mainnetLib from '@rollup-mesh/mainnet'
import {
  readFinalizedExitRoot,
  readMailbox,
  registerSPN,
  SETTLEMENT_VK_HASH,
  type SettlementAccepted,
  settlementAbi,
} from '@rollup-mesh/mainnet'
import { decodeQuote } from '@rollup-mesh/tee-attest'
import { exitLeafHash, hashPair, verifyExitProof, ZERO_HASHES } from '@rollup-mesh/zk-bridge'
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hash,
  type Hex,
  hexToBytes,
  http,
  parseAbi,
  parseEther,
  parseEventLogs,
  toFunctionSelector,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAILBOX_SOURCE_HASH, spnMailboxAbi } from '../../src/settlement/mailbox.generated.js'
import { kill, type Proc, spawnReady, until as waitUntil } from './helpers.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const MAINNET_BIN = join(root, 'packages/mainnet/src/bin.ts')
const SPN_BIN = join(root, 'packages/spn/src/bin.ts')
const MAINNET_CHAIN_ID = 900
const SPN_CHAIN_ID = 4101
const SPN_ID = 1n
const MAILBOX: Address = '0x0000000000000000000000000000000000002001'
const [governance, operator, user, recipient] = devAccounts(4) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]

let current: Proc | undefined

const until = <T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> =>
  waitUntil(what, f, timeoutMs, () => current?.stderr().slice(-6000) ?? '')

describe('SPN settlement to the main net (child processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-settlement-'))
  const executorDir = join(dir, 'executor')
  let mainnet: Proc | undefined
  let spn: Proc | undefined
  let spnConfig: Record<string, unknown>
  const chains = {} as { main: ReturnType<typeof defineChain>; spn: ReturnType<typeof defineChain> }
  const mainClient = () => createPublicClient({ chain: chains.main, transport: http() })
  const spnClient = () => createPublicClient({ chain: chains.spn, transport: http() })

  const startSPN = async (): Promise<Proc> => {
    const p = await spawnReady(SPN_BIN, spnConfig, join(dir, `spn-${Date.now()}.json`))
    const url = p.ready.rpcUrl as string
    chains.spn = defineChain({
      id: SPN_CHAIN_ID,
      name: 'spn1',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    })
    current = p
    return p
  }

  const accepted = async (): Promise<SettlementAccepted[]> => {
    const logs = await mainClient().getLogs({
      address: SYSTEM_ADDRESSES.mainnet.settlement,
      fromBlock: 0n,
      toBlock: 'latest',
    })
    return parseEventLogs({ abi: settlementAbi, eventName: 'SettlementAccepted', logs })
      .map((l) => l.args)
      .filter((a) => a.spnId === SPN_ID)
  }

  const sentMessages: { dst: bigint; to: Address; sender: Address; value: bigint; data: Hex }[] = []

  /** The exit root the test derives on its own: every message sent, at the positions the settlements give. */
  const expectedExitRoot = (settlements: readonly SettlementAccepted[]): bigint => {
    const leaves = new Map<number, bigint>()
    let next = 0
    for (const a of settlements)
      for (let k = 0n; k < a.leafCount; k++) {
        const m = sentMessages[next++]
        if (!m) throw new Error('more settled leaves than messages sent')
        const position = Number(a.startIndex + k)
        leaves.set(
          position,
          exitLeafHash({
            srcSpn: SPN_ID,
            position: BigInt(position),
            dstSpn: m.dst,
            to: m.to,
            sender: m.sender,
            value: m.value,
            data: m.data,
          }),
        )
      }
    const positions = [...leaves.keys()]
    const node = (level: number, index: number): bigint => {
      const lo = index * 2 ** level
      const hi = lo + 2 ** level
      if (!positions.some((p) => p >= lo && p < hi)) return ZERO_HASHES[level] as bigint
      if (level === 0) return leaves.get(index) as bigint
      return hashPair(node(level - 1, 2 * index), node(level - 1, 2 * index + 1))
    }
    return node(24, 0)
  }

  const sendMessage = async (data: Hex, value: bigint): Promise<{ block: bigint; index: bigint }> => {
    const wallet = createWalletClient({
      account: privateKeyToAccount(user.privateKey),
      chain: chains.spn,
      transport: http(),
    })
    const hash = await wallet.writeContract({
      address: MAILBOX,
      abi: spnMailboxAbi,
      functionName: 'sendMessage',
      args: [2n, recipient.address, data],
      value,
      chain: chains.spn,
    })
    const receipt = await spnClient().waitForTransactionReceipt({ hash, pollingInterval: 100 })
    expect(receipt.status).toBe('success')
    const [ev] = parseEventLogs({ abi: spnMailboxAbi, eventName: 'MessageSent', logs: receipt.logs })
    expect(ev?.args.srcSpn).toBe(SPN_ID)
    sentMessages.push({ dst: 2n, to: recipient.address, sender: user.address, value, data })
    return { block: receipt.blockNumber, index: ev?.args.index as bigint }
  }

  beforeAll(async () => {
    // The enclave measures this copy of dual-vm's build, so a rebuild elsewhere cannot change it mid-test.
    cpSync(join(root, 'packages/dual-vm/dist'), executorDir, { recursive: true })
    mainnet = await spawnReady(
      MAINNET_BIN,
      { dataDir: join(dir, 'mainnet'), chainId: MAINNET_CHAIN_ID, blockTimeMs: 200, logLevel: 'warn' },
      join(dir, 'mainnet.json'),
    )
    chains.main = defineChain({
      id: MAINNET_CHAIN_ID,
      name: 'mainnet',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [mainnet.ready.rpcUrl as string] } },
    })
    spnConfig = {
      spnId: 'spn1',
      chainId: SPN_CHAIN_ID,
      dataDir: join(dir, 'spn1'),
      blockTimeMs: 200,
      devAccounts: 4,
      logLevel: 'info',
      settlement: {
        mainnetRpcUrl: mainnet.ready.rpcUrl,
        mainnetChainId: MAINNET_CHAIN_ID,
        operatorKey: operator.privateKey,
        intervalMs: 3000,
        executorDir,
        // The prover's own process at the node's priority: the test machine is shared and loaded, and a
        // lowered prover waits for everyone else's processes (the priority itself is zk-bridge's test).
        proverNiceness: 0,
      },
    }
    spn = await startSPN()
    const info = spn.ready.settlement as {
      measurement: Hex
      simulatedRoot: Hex
      genesisStateRoot: Hash
      operator: Address
    }
    expect(info.operator.toLowerCase()).toBe(operator.address.toLowerCase())
    const gov = createWalletClient({
      account: privateKeyToAccount(governance.privateKey),
      chain: chains.main,
      transport: http(),
    })
    const hash = await registerSPN(gov, {
      spnId: SPN_ID,
      chainId: BigInt(SPN_CHAIN_ID),
      operator: operator.address,
      measurements: [info.measurement],
      simulatedRoots: [info.simulatedRoot],
      vkHash: SETTLEMENT_VK_HASH,
      genesisStateRoot: info.genesisStateRoot,
      bond: parseEther('1'),
    })
    expect((await mainClient().waitForTransactionReceipt({ hash, pollingInterval: 100 })).status).toBe(
      'success',
    )
  }, 120_000)

  afterAll(async () => {
    await kill(spn)
    await kill(mainnet)
    rmSync(dir, { recursive: true, force: true })
  })

  it('the committed Mailbox artifact is built from contracts/Mailbox.sol', () => {
    const source = readFileSync(join(root, 'packages/spn/contracts/Mailbox.sol'))
    expect(MAILBOX_SOURCE_HASH).toBe(`0x${createHash('sha256').update(source).digest('hex')}`)
  })

  it('shares the settlement header encoding with the main net', () => {
    const header: shared.SettlementHeader = {
      spnId: 7n,
      fromBlock: 3n,
      toBlock: 9n,
      prevStateRoot: `0x${'11'.repeat(32)}`,
      newStateRoot: `0x${'22'.repeat(32)}`,
      prevExitRoot: `0x${'33'.repeat(32)}`,
      newExitRoot: `0x${'04'.repeat(32)}`,
      startIndex: 32n,
      leafCount: 5n,
    }
    expect(shared.encodeSettlementHeader(header)).toBe(mainnetLib.encodeSettlementHeader(header))
    expect(shared.settlementHashField(header)).toBe(mainnetLib.settlementHashField(header))
    expect(shared.settlementReportData(header)).toEqual(mainnetLib.settlementReportData(header))
    for (const name of ['submit', 'tipOf', 'SettlementAccepted'])
      expect(settlementAbi.find((i) => 'name' in i && i.name === name)).toMatchObject(
        shared.settlementSubmitAbi.find((i) => i.name === name) as object,
      )
  })

  it('a message ends in the exit tree, the header carries the root, the main net finalizes it', async () => {
    const sent = await sendMessage('0xc0ffee', parseEther('1.5'))
    expect(sent.index).toBe(0n)
    // value is locked in the Mailbox
    expect(await spnClient().getBalance({ address: MAILBOX })).toBe(parseEther('1.5'))
    const block = await spnClient().getBlock({ blockNumber: sent.block })
    const exitRoot = (block as unknown as { exitRoot: Hash }).exitRoot
    expect(exitRoot).not.toBe(`0x${(ZERO_HASHES[24] as bigint).toString(16).padStart(64, '0')}`)

    const settled = await until(
      'the settlement with the message',
      async () => (await accepted()).find((a) => a.leafCount === 1n),
      60_000,
    )
    expect(settled.fromBlock <= sent.block && sent.block <= settled.toBlock).toBe(true)
    // the settled quote is a DCAP v5 quote (the simulated enclave's default): SGX body, descriptor type 1
    const acceptance = await mainnetLib.exportSettlementAcceptance(mainClient(), {
      spnId: SPN_ID,
      settlementIndex: settled.settlementIndex,
    })
    const settledQuote = decodeQuote(hexToBytes(acceptance.quote))
    expect(settledQuote.header.version).toBe(5)
    expect(settledQuote.body.type).toBe('sgx')
    // the leaf sits at the batch's first position; it is the only message, so every sibling is empty
    const leaf = exitLeafHash({
      srcSpn: SPN_ID,
      position: settled.startIndex,
      dstSpn: 2n,
      to: recipient.address,
      sender: user.address,
      value: parseEther('1.5'),
      data: '0xc0ffee',
    })
    const siblings = ZERO_HASHES.slice(0, 24) as bigint[]
    expect(verifyExitProof({ leaf, index: Number(settled.startIndex), siblings }, BigInt(exitRoot))).toBe(
      true,
    )
    expect(settled.newExitRoot).toBe(exitRoot)
    // the SPN serves the same inclusion proof over JSON-RPC
    const served = (await spnClient().request({
      method: 'mesh_getExitProof' as 'eth_chainId',
      params: [Number(settled.startIndex)] as unknown as undefined,
    })) as unknown as { leaf: Hex; index: number; root: Hash; siblings: Hex[] }
    expect(served.root).toBe(settled.newExitRoot)
    expect(BigInt(served.leaf)).toBe(leaf)
    expect(
      verifyExitProof(
        { leaf, index: served.index, siblings: served.siblings.map((x) => BigInt(x)) },
        BigInt(settled.newExitRoot),
      ),
    ).toBe(true)
    // the header of the settlement's last block carries the same root; the main net finalized it
    const last = await spnClient().getBlock({ blockNumber: settled.toBlock })
    expect((last as unknown as { exitRoot: Hash }).exitRoot).toBe(settled.newExitRoot)
    expect(settled.newStateRoot).toBe(last.stateRoot)
    expect(await readFinalizedExitRoot(mainClient(), SPN_ID, exitRoot)).toBeDefined()
    const mailbox = await readMailbox(mainClient(), SPN_ID)
    expect(await readFinalizedExitRoot(mainClient(), SPN_ID, mailbox.latestExitRoot)).toBeDefined()
  }, 90_000)

  it('a restart between settlements resumes without a gap or duplicate', async () => {
    const before = await accepted()
    await kill(spn)
    spn = await startSPN()
    const sent = await sendMessage('0xbeef', 1n)
    expect(sent.index).toBe(1n)
    const settled = await until(
      'the settlement after the restart',
      async () => (await accepted()).find((a) => a.leafCount === 1n && a.toBlock >= sent.block),
      60_000,
    )
    const all = await accepted()
    expect(all.length).toBeGreaterThan(before.length)
    all.forEach((a, i) => {
      expect(a.settlementIndex).toBe(BigInt(i + 1)) // 1-based on the main net
      expect(a.startIndex).toBe(BigInt(16 * i))
      if (i > 0) expect(a.fromBlock).toBe((all[i - 1] as SettlementAccepted).toBlock + 1n)
    })
    expect(new Set(all.map((a) => a.headerHash)).size).toBe(all.length)
    expect(BigInt((all.at(-1) as SettlementAccepted).newExitRoot)).toBe(expectedExitRoot(all))
    const last = await spnClient().getBlock({ blockNumber: settled.toBlock })
    expect((last as unknown as { exitRoot: Hash }).exitRoot).toBe(settled.newExitRoot)
    expect(await spnClient().getBalance({ address: MAILBOX })).toBe(parseEther('1.5') + 1n)
  }, 90_000)

  it('kill -9 while proving and right after submitting: recovers without a gap, duplicate or lost message', async () => {
    let lastBlock = 0n
    for (const [i, phase] of ['proving settlement', 'settlement submitted'].entries()) {
      const p = spn as Proc
      const seen = p.msgs.filter((m) => m === phase).length
      const sent = await sendMessage(`0x0${i}`, 1n)
      expect(sent.index).toBe(BigInt(2 + i))
      lastBlock = sent.block
      await until(
        phase,
        async () => (p.msgs.filter((m) => m === phase).length > seen ? true : undefined),
        60_000,
      )
      await kill(spn)
      spn = await startSPN()
    }
    await until(
      'the settlement of the last message',
      async () => (await accepted()).find((a) => a.leafCount > 0n && a.toBlock >= lastBlock),
      60_000,
    )
    const all = await accepted()
    all.forEach((a, i) => {
      expect(a.settlementIndex).toBe(BigInt(i + 1))
      expect(a.startIndex).toBe(BigInt(16 * i))
      if (i > 0) expect(a.fromBlock).toBe((all[i - 1] as SettlementAccepted).toBlock + 1n)
    })
    // every message sent (4) is in exactly one accepted settlement
    expect(all.reduce((n, a) => n + a.leafCount, 0n)).toBe(4n)
    const head = await spnClient().getBlock({ blockNumber: (all.at(-1) as SettlementAccepted).toBlock })
    expect((head as unknown as { exitRoot: Hash }).exitRoot).toBe(
      (all.at(-1) as SettlementAccepted).newExitRoot,
    )
  }, 120_000)

  it('an EVM contract sends a message with value: the contract is the sender and it is settled', async () => {
    const { contracts } = await compileSolidity({
      sources: {
        'Sender.sol': `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
interface IMailbox { function sendMessage(uint64 dstSpn, address to, bytes calldata data) external payable returns (uint64); }
contract Sender {
  function send(uint64 dstSpn, address to, bytes calldata data) external payable returns (uint64) {
    return IMailbox(address(0x2001)).sendMessage{value: msg.value}(dstSpn, to, data);
  }
}`,
      },
    })
    const sender = contracts.Sender as { abi: Abi; bytecode: Hex }
    const wallet = createWalletClient({
      account: privateKeyToAccount(user.privateKey),
      chain: chains.spn,
      transport: http(),
    })
    const deployHash = await wallet.deployContract({
      abi: sender.abi,
      bytecode: sender.bytecode,
      chain: chains.spn,
    })
    const deployed = await spnClient().waitForTransactionReceipt({ hash: deployHash, pollingInterval: 100 })
    const address = deployed.contractAddress as Address
    const balance = await spnClient().getBalance({ address: MAILBOX })
    const hash = await wallet.writeContract({
      address,
      abi: sender.abi,
      functionName: 'send',
      args: [3n, recipient.address, '0x1234'],
      value: 7n,
      chain: chains.spn,
    })
    const receipt = await spnClient().waitForTransactionReceipt({ hash, pollingInterval: 100 })
    expect(receipt.status).toBe('success')
    const [ev] = parseEventLogs({ abi: spnMailboxAbi, eventName: 'MessageSent', logs: receipt.logs })
    expect(ev?.args.sender.toLowerCase()).toBe(address.toLowerCase())
    expect(ev?.args.dstSpn).toBe(3n)
    expect(await spnClient().getBalance({ address: MAILBOX })).toBe(balance + 7n)
    sentMessages.push({ dst: 3n, to: recipient.address, sender: address, value: 7n, data: '0x1234' })
    const settled = await until(
      'the settlement of the contract’s message',
      async () => (await accepted()).find((a) => a.leafCount > 0n && a.toBlock >= receipt.blockNumber),
      60_000,
    )
    const leaf = exitLeafHash({
      srcSpn: SPN_ID,
      position: settled.startIndex,
      dstSpn: 3n,
      to: recipient.address,
      sender: address,
      value: 7n,
      data: '0x1234',
    })
    expect(settled.leafCount).toBe(1n)
    const block = await spnClient().getBlock({ blockNumber: settled.toBlock })
    expect((block as unknown as { exitRoot: Hash }).exitRoot).toBe(settled.newExitRoot)
    // the whole exit tree, rebuilt here from every message sent in this file, has the settled root
    const all = await accepted()
    expect(BigInt(settled.newExitRoot)).toBe(
      expectedExitRoot(all.filter((a) => a.toBlock <= settled.toBlock)),
    )
    expect(leaf).toBe(
      exitLeafHash({
        srcSpn: SPN_ID,
        position: settled.startIndex,
        dstSpn: 3n,
        to: recipient.address,
        sender: ev?.args.sender as Address,
        value: ev?.args.value as bigint,
        data: ev?.args.data as Hex,
      }),
    )
  }, 120_000)

  it('a WASM contract sends a message with value through the Mailbox (cross-VM call) and it is settled', async () => {
    const sdk = relative(dir, join(root, 'packages/dual-vm/sdk/assembly/index')).split('\\').join('/')
    const selector = toFunctionSelector('sendMessage(uint64,address,bytes)')
    const file = join(dir, 'wasm_sender.ts')
    writeFileSync(
      file,
      `import { AbiReader, AbiWriter, Address, bubble, callContract, encodeCall, finish, hexToBytes, msg, revertWith } from "${sdk}";
const MAILBOX = new Address(hexToBytes("${MAILBOX}"));
export function deploy(): void {}
export function call(): void {
  const data = msg.data();
  if (msg.selector(data) != ${toFunctionSelector('send(uint64,address,bytes)')}) { revertWith("unknown selector"); return; }
  const args = new AbiReader(data);
  const dst = args.u64();
  const to = args.address();
  const payload = args.bytes();
  const r = callContract(MAILBOX, encodeCall(${selector}, new AbiWriter().u64(dst).address(to).bytes(payload)), msg.value());
  bubble(r);
  finish(r.data);
}
`,
    )
    const abi = parseAbi(['function send(uint64 dstSpn, address to, bytes data) payable returns (uint64)'])
    const compiled = await compileAssemblyScript(file, { abi })
    const wallet = createWalletClient({
      account: privateKeyToAccount(user.privateKey),
      chain: chains.spn,
      transport: http(),
    })
    const deployHash = await wallet.deployContract({ abi, bytecode: compiled.bytecode, chain: chains.spn })
    const deployed = await spnClient().waitForTransactionReceipt({ hash: deployHash, pollingInterval: 100 })
    expect(deployed.status).toBe('success')
    const address = deployed.contractAddress as Address
    const balance = await spnClient().getBalance({ address: MAILBOX })
    const hash = await wallet.writeContract({
      address,
      abi,
      functionName: 'send',
      args: [4n, recipient.address, '0xabcd'],
      value: 9n,
      chain: chains.spn,
    })
    const receipt = await spnClient().waitForTransactionReceipt({ hash, pollingInterval: 100 })
    expect(receipt.status).toBe('success')
    const [ev] = parseEventLogs({ abi: spnMailboxAbi, eventName: 'MessageSent', logs: receipt.logs })
    expect(ev?.args.sender.toLowerCase()).toBe(address.toLowerCase())
    expect(ev?.args.dstSpn).toBe(4n)
    expect(ev?.args.value).toBe(9n)
    expect(await spnClient().getBalance({ address: MAILBOX })).toBe(balance + 9n)
    sentMessages.push({ dst: 4n, to: recipient.address, sender: address, value: 9n, data: '0xabcd' })
    const settled = await until(
      'the settlement of the WASM contract’s message',
      async () => (await accepted()).find((a) => a.leafCount > 0n && a.toBlock >= receipt.blockNumber),
      60_000,
    )
    const all = await accepted()
    expect(BigInt(settled.newExitRoot)).toBe(
      expectedExitRoot(all.filter((a) => a.toBlock <= settled.toBlock)),
    )
  }, 120_000)
})
