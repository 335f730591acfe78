import '@rollup-mesh/core/polyfill'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { devAccounts, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { encodeFunctionData, type Hex, numberToHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SPNNode, spnMailboxAbi } from '../../src/index.js'
import { createManualSPNNode } from './helpers.js'

const CHAIN_ID = 4107
const SENDERS = 8
const accounts = devAccounts(SENDERS).map((a) => privateKeyToAccount(a.privateKey))

describe('SPN on the parallel executor with verifyParallel (in-process node, blocks sealed by hand)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spn-parallel-'))
  const nonces = new Map<string, number>()
  let node: SPNNode
  let recipient = 0x5000

  /** Signs `perSender` transactions for every sender: value to fresh addresses, and Mailbox messages. */
  const fill = async (perSender: number) => {
    for (let k = 0; k < perSender; k++)
      for (const account of accounts) {
        const nonce = nonces.get(account.address) ?? 0
        nonces.set(account.address, nonce + 1)
        const message = k % 2 === 1
        const raw = await account.signTransaction({
          chainId: CHAIN_ID,
          type: 'eip1559',
          nonce,
          to: message ? SYSTEM_ADDRESSES.spn.mailbox : (numberToHex(recipient++, { size: 20 }) as Hex),
          value: 1000n,
          gas: message ? 200_000n : 21_000n,
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 1n,
          ...(message
            ? {
                data: encodeFunctionData({
                  abi: spnMailboxAbi,
                  functionName: 'sendMessage',
                  args: [2n, account.address, numberToHex(k, { size: 2 })],
                }),
              }
            : {}),
        })
        await node.chain.mempool.add(raw as Hex)
      }
  }

  beforeAll(async () => {
    node = createManualSPNNode({
      spnId: 'spn7',
      chainId: CHAIN_ID,
      dataDir: dir,
      devAccounts: SENDERS,
      executor: 'parallel',
      executorWorkers: 2,
      verifyParallel: true,
    })
    await node.start()
  })

  afterAll(async () => {
    await node.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('produces blocks equal to serial execution (verified per block), Mailbox and precompile included', async () => {
    for (let b = 0; b < 3; b++) {
      await fill(4)
      // A mismatch between the parallel and serial results would throw here (ParallelMismatchError).
      const block = await node.chain.produceBlock()
      expect(block.txs).toHaveLength(SENDERS * 4)
      expect(block.receipts.every((r) => r.status === 1)).toBe(true)
      // The first block finds the worker's replica cold: it read what it lacked from chain.db itself. (The
      // Mailbox then counts as hot, its messages chain the senders together, and later blocks run serially.)
      if (b === 0) expect(node.chain.executor.stats).toMatchObject({ mode: 'parallel', replicaReads: 0 })
    }
    expect(node.chain.head().number).toBe(3n)
    // Every first transfer of the first block paid its fresh recipient.
    expect(node.chain.state.getAccount(numberToHex(0x5000, { size: 20 }) as Hex)?.balance).toBe(1000n)
  })

  it('worker replicas see state written outside blocks (anvil_setNonce / anvil_setBalance)', async () => {
    // Dev writes move the state root, so the workers' replicas (keyed by root) start over instead of
    // running on the values they mirrored: a stale nonce would skip these transactions, a stale balance
    // would differ from serial (verifyParallel throws ParallelMismatchError).
    const writes = { accounts: new Map(), storage: new Map(), code: new Map() }
    for (const account of accounts) {
      const a = account.address.toLowerCase() as Hex
      const nonce = (nonces.get(account.address) ?? 0) + 10
      nonces.set(account.address, nonce)
      const acc = node.chain.state.getAccount(a as `0x${string}`)
      writes.accounts.set(a, { ...acc, nonce: BigInt(nonce), balance: 10n ** 20n + 7n })
    }
    await node.chain.writeState(writes)
    node.chain.mempool.reset()
    for (let k = 0; k < 3; k++)
      for (const account of accounts) {
        const nonce = nonces.get(account.address) ?? 0
        nonces.set(account.address, nonce + 1)
        await node.chain.mempool.add(
          (await account.signTransaction({
            chainId: CHAIN_ID,
            type: 'eip1559',
            nonce,
            to: numberToHex(recipient++, { size: 20 }) as Hex,
            value: 1000n,
            gas: 21_000n,
            maxFeePerGas: 10n ** 11n,
            maxPriorityFeePerGas: 1n,
          })) as Hex,
        )
      }
    const block = await node.chain.produceBlock()
    expect(block.txs).toHaveLength(SENDERS * 3)
    expect(block.receipts.every((r) => r.status === 1)).toBe(true)
    expect(node.chain.executor.stats).toMatchObject({ mode: 'parallel' })
  })
})
