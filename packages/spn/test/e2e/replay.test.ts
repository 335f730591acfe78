import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChainStore } from '@rollup-mesh/chain'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { encodeFunctionData, getContractAddress, type Hex, numberToHex, parseEther } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replaySPN, type SPNNode, spnMailboxAbi } from '../../src/index.js'
import { createManualSPNNode } from './helpers.js'

const [alice, bob] = devAccounts(2) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]
const CHAIN_ID = 4107
const account = privateKeyToAccount(alice.privateKey)
/** Runtime: SSTORE(0, CALLDATALOAD(0)); init code copies and returns it. */
const STORE_INIT: Hex = '0x6007600c60003960076000f360003560005500'

/** Runs an SSTORE contract, transfers and Mailbox messages through a few blocks, stops the node, replays it. */
describe('SPN replay (`replaySPN`, behind `mesh node replay`)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-replay-'))
  const config = { spnId: 'spn6', chainId: CHAIN_ID, dataDir: dir, devAccounts: 2 }
  let node: SPNNode
  let nonce = 0
  const contract = getContractAddress({ from: account.address, nonce: 0n })

  const send = async (tx: { to: Hex | null; data?: Hex; value?: bigint; gas?: bigint }) => {
    const raw = await account.signTransaction({
      chainId: CHAIN_ID,
      type: 'eip1559',
      nonce: nonce++,
      ...(tx.to ? { to: tx.to } : {}),
      data: tx.data ?? '0x',
      value: tx.value ?? 0n,
      gas: tx.gas ?? 300_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 1n,
    })
    await node.chain.mempool.add(raw as Hex)
  }
  const message = (i: number) =>
    send({
      to: SYSTEM_ADDRESSES.spn.mailbox,
      data: encodeFunctionData({
        abi: spnMailboxAbi,
        functionName: 'sendMessage',
        args: [2n, bob.address, numberToHex(i, { size: 2 })],
      }),
    })

  beforeAll(async () => {
    node = createManualSPNNode(config)
    await node.start()
    await send({ to: null, data: STORE_INIT })
    await send({ to: bob.address as Hex, value: parseEther('1') })
    await node.chain.produceBlock()
    for (let b = 0; b < 4; b++) {
      await send({ to: contract, data: numberToHex(b + 7, { size: 32 }) })
      await send({ to: bob.address as Hex, value: BigInt(b + 1) })
      for (let i = 0; i < 3; i++) await message(b * 3 + i)
      await node.chain.produceBlock()
      // the settlement service cuts batches between blocks: replay must cut them at the same place
      if (b === 1) node.exitTree?.closeBatch()
    }
    await node.chain.produceBlock() // an empty block
    await node.stop()
  }, 120_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('re-executes every block and every root matches', async () => {
    const seen: bigint[] = []
    const report = await replaySPN({ config, onBlock: (b) => seen.push(b.number) })
    expect(report.firstDifference).toBeUndefined()
    expect(report.ok).toBe(true)
    expect(report.head).toBe(6n)
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n, 6n])
    expect(report.txs).toBe(2 + 4 * 5)
    expect(report.devWrites).toBe(false)
  }, 120_000)

  /** Edits the stored chain through a store extension's connection (the store keeps its own private). */
  const tamper = (sql: string, ...args: unknown[]) => {
    const store = new ChainStore({ path: join(dir, 'chain.db') })
    try {
      store
        .registerExtension({ name: 'test_tamper', migrations: [() => {}] })
        .prepare(sql)
        .run(...args)
    } finally {
      store.close()
    }
  }

  it('names the first block whose stored transaction was edited', async () => {
    const store = new ChainStore({ path: join(dir, 'chain.db') })
    const [transfer] = store.getBlockTxs(3n).filter((t) => t.to === (bob.address.toLowerCase() as Hex))
    store.close()
    if (!transfer) throw new Error('no transfer in block 3')
    // value 2 wei → 3 wei: the stored sender is used as is, so it executes with the edited value
    const edited = transfer.raw.replace(/830493e094([0-9a-f]{40})02/, '830493e094$103')
    expect(edited).not.toBe(transfer.raw)
    tamper('UPDATE txs SET raw = ? WHERE hash = ?', edited, transfer.hash)
    const report = await replaySPN({ config })
    expect(report.ok).toBe(false)
    expect(report.firstDifference?.number).toBe(3n)
    expect(report.firstDifference?.differences.map((d) => d.field)).toContain('stateRoot')
    expect(report.blocks.length).toBe(3)
    tamper('UPDATE txs SET raw = ? WHERE hash = ?', transfer.raw, transfer.hash)
    expect((await replaySPN({ config })).ok).toBe(true)
  }, 120_000)

  it('names a block whose stored header row was edited', async () => {
    const store = new ChainStore({ path: join(dir, 'chain.db') })
    const header = store.getHeaderByNumber(4n)
    store.close()
    if (!header) throw new Error('no block 4')
    const forged = `0x${'ab'.repeat(32)}`
    tamper("UPDATE blocks SET header = json_set(header, '$.receiptsRoot', ?) WHERE number = 4", forged)
    const report = await replaySPN({ config })
    expect(report.firstDifference?.number).toBe(4n)
    expect(report.firstDifference?.differences).toContainEqual({
      field: 'receiptsRoot',
      stored: forged,
      replayed: header.receiptsRoot,
    })
  }, 120_000)
})
