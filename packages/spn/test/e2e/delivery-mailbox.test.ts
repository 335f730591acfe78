import '@rollup-mesh/core/polyfill'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { depositTx, type SignedTx } from '@rollup-mesh/chain'
import type { ExitBatch } from '@rollup-mesh/core'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { compileSolidity } from '@rollup-mesh/dual-vm'
import { ExitTree, exitLeafHash } from '@rollup-mesh/zk-bridge'
import {
  type Abi,
  type Address,
  decodeErrorResult,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  type Hash,
  type Hex,
  numberToHex,
  parseEther,
  parseEventLogs,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkExitBatch } from '../../src/delivery/checkExitBatch.js'
import { type SPNNode, spnMailboxAbi } from '../../src/index.js'
import { createManualSPNNode } from './helpers.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const [user] = devAccounts(1) as [ReturnType<typeof devAccounts>[number]]
const account = privateKeyToAccount(user.privateKey)
const CHAIN_ID = 9102
const SRC = 1n
const EOA: Address = '0x00000000000000000000000000000000000be11e'

type Msg = { position: bigint; sender: Address; to: Address; value: bigint; data: Hex }

/**
 * The SPN Mailbox's delivery side, on a real SPN node with blocks sealed by hand: deposits placed at the
 * start of a block import a finalized root and deliver messages with inclusion proofs built from a source
 * exit tree made here; the exit-proof precompile, the nullifier, value minting and retries are checked.
 */
describe('SPN Mailbox delivery (in-process node, deposits sealed by hand)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-delivery-'))
  let node: SPNNode
  let nonce = 0
  let messenger: Address
  let messengerAbi: Abi
  let srcRoot: Hash
  let proofs: Map<bigint, bigint[]>
  let block = 0n
  const messages: Msg[] = []

  const seal = async (deposits: SignedTx[] = []) => {
    node.chain.setBlockStartHook(() => deposits)
    const sealed = await node.chain.produceBlock(BigInt(Math.floor(Date.now() / 1000)) + block++)
    node.chain.setBlockStartHook(undefined)
    return sealed
  }

  const deposit = (tag: string, data: Hex, mint = 0n) =>
    depositTx({
      sourceHash: numberToHex(BigInt(`0x${Buffer.from(`${tag}:${block}`).toString('hex')}`), { size: 32 }),
      from: SYSTEM_ADDRESSES.spn.system,
      to: SYSTEM_ADDRESSES.spn.mailbox,
      mint,
      value: mint,
      gas: 1_500_000n,
      data,
      chainId: BigInt(CHAIN_ID),
    })

  const deliverTx = (m: Msg, opts: { root?: Hash; siblings?: bigint[] } = {}) =>
    deposit(
      `deliver-${m.position}`,
      encodeFunctionData({
        abi: spnMailboxAbi,
        functionName: 'deliver',
        args: [
          { srcSpn: SRC, ...m },
          opts.root ?? srcRoot,
          (opts.siblings ?? (proofs.get(m.position) as bigint[])).map((s) =>
            numberToHex(s, { size: 32 }),
          ) as never,
        ],
      }),
      m.value,
    )

  const view = async (to: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) => {
    const r = await node.chain.simulateCall?.({
      header: node.chain.callContext(),
      state: node.chain.state,
      to,
      data: encodeFunctionData({ abi, functionName, args } as never),
      gas: 1_000_000n,
    })
    if (!r?.success) throw new Error(`${functionName} reverted`)
    return decodeFunctionResult({ abi, functionName, data: r.returnData } as never) as unknown
  }

  const userTx = async (to: Address | null, data: Hex) => {
    const raw = await account.signTransaction({
      chainId: CHAIN_ID,
      type: 'eip1559',
      nonce: nonce++,
      ...(to ? { to } : {}),
      gas: 3_000_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 1n,
      data,
    })
    await node.chain.mempool.add(raw as Hex)
  }

  const reason = (data: Hex) => {
    const e = decodeErrorResult({ data })
    return String(e.args?.[0])
  }

  beforeAll(async () => {
    node = createManualSPNNode({
      spnId: 'spn2',
      chainId: CHAIN_ID,
      dataDir: dir,
      devAccounts: 1,
    })
    await node.start()
    const { contracts } = await compileSolidity({
      sources: { 'Messenger.sol': readFileSync(join(root, 'examples/contracts/Messenger.sol'), 'utf8') },
    })
    const c = contracts.Messenger as { abi: Abi; bytecode: Hex }
    messengerAbi = c.abi
    await userTx(null, encodeDeployData({ abi: c.abi, bytecode: c.bytecode }))
    const sealed = await seal()
    messenger = sealed.receipts[0]?.contractAddress as Address
    expect(messenger).toBeDefined()

    // SPN 1's exit tree: three messages to SPN 2 and one to SPN 3, in batch 0.
    messages.push(
      { position: 0n, sender: user.address, to: EOA, value: parseEther('2'), data: '0x' },
      { position: 1n, sender: user.address, to: messenger, value: 5n, data: '0xc0ffee' },
      { position: 2n, sender: user.address, to: messenger, value: 7n, data: '0xbeef' },
    )
    const batch: ExitBatch = {
      spnId: SRC,
      batch: 0n,
      fromBlock: 1n,
      toBlock: 4n,
      startIndex: 0n,
      startFrontier: new Array(24).fill(numberToHex(0, { size: 32 })),
      messages: [
        ...messages.map((m) => ({
          ...m,
          messageIndex: m.position,
          srcSpn: SRC,
          dstSpn: 2n,
          block: 2n,
          txHash: numberToHex(1, { size: 32 }),
        })),
        {
          position: 3n,
          messageIndex: 3n,
          srcSpn: SRC,
          dstSpn: 3n,
          sender: user.address,
          to: EOA,
          value: 1n,
          data: '0x',
          block: 2n,
          txHash: numberToHex(2, { size: 32 }),
        },
      ],
    }
    const tree = new ExitTree()
    for (const m of batch.messages)
      tree.append(
        exitLeafHash({
          srcSpn: SRC,
          position: m.position,
          dstSpn: m.dstSpn,
          to: m.to,
          sender: m.sender,
          value: m.value,
          data: m.data,
        }),
      )
    tree.padToBatch()
    srcRoot = numberToHex(tree.root, { size: 32 })
    const checked = checkExitBatch(batch, { srcSpn: SRC, root: srcRoot, startIndex: 0n, leafCount: 4n })
    proofs = new Map(checked.map((c) => [c.position, c.siblings]))
  }, 60_000)

  afterAll(async () => {
    await node.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an exit batch that does not give the finalized root is refused', () => {
    const batch = {
      spnId: SRC,
      batch: 0n,
      fromBlock: 1n,
      toBlock: 4n,
      startIndex: 0n,
      startFrontier: new Array(24).fill(numberToHex(0, { size: 32 })),
      messages: messages.map((m) => ({
        ...m,
        messageIndex: m.position,
        srcSpn: SRC,
        dstSpn: 2n,
        block: 2n,
        txHash: numberToHex(1, { size: 32 }),
      })),
    } satisfies ExitBatch
    expect(() =>
      checkExitBatch(batch, { srcSpn: SRC, root: srcRoot, startIndex: 0n, leafCount: 3n }),
    ).toThrow(expect.objectContaining({ code: 'EXIT_BATCH_MISMATCH', check: 'root' }))
    expect(() =>
      checkExitBatch(batch, { srcSpn: SRC, root: srcRoot, startIndex: 0n, leafCount: 4n }),
    ).toThrow(expect.objectContaining({ code: 'EXIT_BATCH_MISMATCH', check: 'leaf-count' }))
  })

  it('a delivery against a root that was not imported is refused', async () => {
    const m = messages[0] as Msg
    const sealed = await seal([deliverTx(m)])
    expect(sealed.receipts[0]?.status).toBe(0)
    expect(reason(sealed.receipts[0]?.revertData as Hex)).toBe(
      'Mailbox: exit root is not finalized on the main net',
    )
  })

  it('imports the root, then delivers value to an account and a message to an EVM contract', async () => {
    const [m0, m1] = messages as [Msg, Msg]
    const before = node.chain.state.getAccount(EOA)?.balance ?? 0n
    const sealed = await seal([
      deposit(
        'import',
        encodeFunctionData({ abi: spnMailboxAbi, functionName: 'importExitRoot', args: [SRC, srcRoot, 1n] }),
      ),
      deliverTx(m0),
      deliverTx(m1),
    ])
    expect(sealed.txs.map((t) => t.type)).toEqual(['deposit', 'deposit', 'deposit'])
    expect(sealed.receipts.map((r) => r.status)).toEqual([1, 1, 1])
    expect((node.chain.state.getAccount(EOA)?.balance ?? 0n) - before).toBe(parseEther('2'))
    const delivered = parseEventLogs({
      abi: spnMailboxAbi,
      eventName: 'MessageDelivered',
      logs: sealed.receipts.flatMap((r) => r.logs) as never,
    })
    expect(delivered.map((e) => e.args.position)).toEqual([0n, 1n])
    expect(await view(messenger, messengerAbi, 'received')).toBe(1n)
    expect(await view(messenger, messengerAbi, 'valueReceived')).toBe(5n)
    expect(await view(messenger, messengerAbi, 'lastSrcSpn')).toBe(SRC)
    expect((await view(messenger, messengerAbi, 'lastSender')) as Address).toBe(user.address)
    expect(await view(messenger, messengerAbi, 'lastData')).toBe('0xc0ffee')
    expect(await view(SYSTEM_ADDRESSES.spn.mailbox, spnMailboxAbi as Abi, 'deliveryStatus', [SRC, 1n])).toBe(
      1,
    )
    expect(
      await view(SYSTEM_ADDRESSES.spn.mailbox, spnMailboxAbi as Abi, 'finalizedRoot', [SRC, srcRoot]),
    ).toBe(1n)
  })

  it('a second delivery of the same message fails on the nullifier and changes nothing', async () => {
    const m1 = messages[1] as Msg
    const sealed = await seal([deliverTx(m1)])
    expect(sealed.receipts[0]?.status).toBe(0)
    expect(reason(sealed.receipts[0]?.revertData as Hex)).toBe('Mailbox: message already delivered')
    expect(await view(messenger, messengerAbi, 'received')).toBe(1n)
    expect(await view(messenger, messengerAbi, 'valueReceived')).toBe(5n)
  })

  it('a wrong inclusion proof or a forged message is refused by the precompile', async () => {
    const m2 = messages[2] as Msg
    const bad = [...(proofs.get(2n) as bigint[])]
    bad[5] = 12345n
    const forged = { ...m2, value: m2.value + 1n }
    const sealed = await seal([
      deliverTx(m2, { siblings: bad }),
      deliverTx(forged, { siblings: proofs.get(2n) as bigint[] }),
    ])
    expect(sealed.receipts.map((r) => r.status)).toEqual([0, 0])
    for (const r of sealed.receipts)
      expect(reason(r.revertData)).toBe('Mailbox: inclusion proof does not verify')
  })

  it('only the block producer delivers: a user’s call is refused', async () => {
    const m2 = messages[2] as Msg
    const r = await node.chain.simulateCall?.({
      header: node.chain.callContext(),
      state: node.chain.state,
      from: user.address,
      to: SYSTEM_ADDRESSES.spn.mailbox,
      data: encodeFunctionData({
        abi: spnMailboxAbi,
        functionName: 'deliver',
        args: [
          { srcSpn: SRC, ...m2 },
          srcRoot,
          (proofs.get(2n) as bigint[]).map((s) => numberToHex(s, { size: 32 })) as never,
        ],
      }),
      gas: 2_000_000n,
    })
    expect(r?.success).toBe(false)
    expect(reason(r?.returnData as Hex)).toBe('Mailbox: only the block producer delivers')
  })

  it('a failing recipient does not block delivery: the message is marked failed and anyone retries it', async () => {
    const m2 = messages[2] as Msg
    await userTx(
      messenger,
      encodeFunctionData({ abi: messengerAbi, functionName: 'setClosed', args: [true] }),
    )
    await seal()
    const mailboxBefore = node.chain.state.getAccount(SYSTEM_ADDRESSES.spn.mailbox)?.balance ?? 0n
    const sealed = await seal([deliverTx(m2)])
    expect(sealed.receipts[0]?.status).toBe(1)
    const [failed] = parseEventLogs({
      abi: spnMailboxAbi,
      eventName: 'MessageFailed',
      logs: sealed.receipts[0]?.logs as never,
    })
    expect(failed?.args.position).toBe(2n)
    expect(reason(failed?.args.reason as Hex)).toBe('Messenger: closed')
    expect(await view(SYSTEM_ADDRESSES.spn.mailbox, spnMailboxAbi as Abi, 'deliveryStatus', [SRC, 2n])).toBe(
      2,
    )
    // the value waits in the Mailbox
    expect((node.chain.state.getAccount(SYSTEM_ADDRESSES.spn.mailbox)?.balance ?? 0n) - mailboxBefore).toBe(
      7n,
    )

    const retry = encodeFunctionData({
      abi: spnMailboxAbi,
      functionName: 'retryMessage',
      args: [{ srcSpn: SRC, ...m2 }],
    })
    await userTx(SYSTEM_ADDRESSES.spn.mailbox, retry) // still closed: reverts, stays retryable
    await userTx(
      messenger,
      encodeFunctionData({ abi: messengerAbi, functionName: 'setClosed', args: [false] }),
    )
    await userTx(SYSTEM_ADDRESSES.spn.mailbox, retry) // succeeds
    await userTx(SYSTEM_ADDRESSES.spn.mailbox, retry) // nothing left to retry
    const r = await seal()
    expect(r.receipts.map((x) => x.status)).toEqual([0, 1, 1, 0])
    expect(reason(r.receipts[0]?.revertData as Hex)).toBe('Messenger: closed')
    expect(reason(r.receipts[3]?.revertData as Hex)).toBe('Mailbox: message is not a failed delivery')
    expect(await view(messenger, messengerAbi, 'received')).toBe(2n)
    expect(await view(messenger, messengerAbi, 'valueReceived')).toBe(12n)
    expect(await view(messenger, messengerAbi, 'lastData')).toBe('0xbeef')
    expect(await view(SYSTEM_ADDRESSES.spn.mailbox, spnMailboxAbi as Abi, 'deliveryStatus', [SRC, 2n])).toBe(
      3,
    )
  })
})
