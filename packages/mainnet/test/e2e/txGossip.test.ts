import '@rollup-mesh/core/polyfill'
import { MAINNET_NETWORK } from '@rollup-mesh/core'
import { createP2P, type P2P } from '@rollup-mesh/p2p'
import { type Hex, hexToBytes } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, it } from 'vitest'
import { rpc, validatorCluster, waitFor } from './validatorCluster.js'

const CHAIN_ID = 900
const cluster = validatorCluster({ prefix: 'txgossip', keys: 6, blockTimeMs: 300 })
const sender = privateKeyToAccount(cluster.keys[5] as Hex)
const nodes = cluster.nodes
afterAll(() => cluster.close())

const transfer = (nonce: number, chainId = CHAIN_ID) =>
  sender.signTransaction({
    chainId,
    type: 'eip1559',
    nonce,
    to: '0x00000000000000000000000000000000000c0ffe',
    value: 1_000n + BigInt(nonce),
    gas: 21_000n,
    maxFeePerGas: 10n ** 11n,
    maxPriorityFeePerGas: 1n,
  })

describe('main net: transaction gossip between validators', () => {
  it('a transaction sent to validator 3 reaches every pool and is included once, by whichever validator proposes', async () => {
    const started = await cluster.startAll()
    await waitFor(
      '2 heights on every validator',
      () => started.every((n) => n.chain.head().number >= 2n),
      180_000,
    )
    const v3 = started[3]!
    // Distinct transactions, one at a time, until one was included by a block validator 3 did not propose
    // (without gossip only validator 3's own proposals could include them).
    const byOthers: { hash: Hex; block: bigint }[] = []
    const sent: Hex[] = []
    for (let nonce = 0; nonce < 12 && byOthers.length === 0; nonce++) {
      const hash = (await rpc(v3, 'eth_sendRawTransaction', [await transfer(nonce)])) as Hex
      sent.push(hash)
      let receipt: { blockNumber: Hex } | null = null
      await waitFor(
        `transaction ${nonce} to be mined`,
        async () => {
          receipt = (await rpc(v3, 'eth_getTransactionReceipt', [hash])) as { blockNumber: Hex } | null
          return receipt !== null
        },
        60_000,
      )
      const block = BigInt((receipt as unknown as { blockNumber: Hex }).blockNumber)
      const header = v3.chain.store.getHeaderByNumber(block)!
      if (header.coinbase.toLowerCase() !== v3.validator) byOthers.push({ hash, block })
    }
    expect(byOthers.length, 'a transaction sent to validator 3 included by another proposer').toBe(1)
    expect(started.slice(0, 3).reduce((n, v) => n + v.services.txGossip.received(), 0)).toBeGreaterThan(0)
    expect(v3.services.txGossip.published()).toBeGreaterThanOrEqual(sent.length)
    // every sent transaction is in exactly one block, the same on every validator, and left every pool
    const top = byOthers[0]!.block + 2n
    await waitFor(
      'every validator past the inclusion',
      () => started.every((n) => n.chain.head().number >= top),
      60_000,
    )
    const counts = new Map<Hex, number>()
    for (let b = 1n; b <= top; b++) {
      const hashes = new Set(started.map((n) => n.chain.store.getHeaderByNumber(b)?.hash))
      expect(hashes.size, `block ${b} has one hash`).toBe(1)
      for (const { hash: h } of started[0]!.chain.store.getBlockTxs(b))
        counts.set(h, (counts.get(h) ?? 0) + 1)
    }
    for (const h of sent) expect(counts.get(h), `transaction ${h} included once`).toBe(1)
    for (const n of started) for (const h of sent) expect(n.chain.mempool.has(h)).toBe(false)
  }, 420_000)

  it('a malformed or wrong-chain gossiped transaction costs the sender score and enters no pool', async () => {
    const node = nodes[0]!
    const attacker: P2P = await createP2P({ subscriptions: [{ network: MAINNET_NETWORK, kinds: ['txs'] }] })
    await attacker.start()
    try {
      await attacker.dial(node.p2p!.getMultiaddrs()[0]!)
      await waitFor(
        'the node to subscribe',
        () => attacker.getSubscribers(MAINNET_NETWORK, 'txs').includes(node.p2p!.peerId),
        30_000,
      )
      const poolBefore = node.chain.mempool.size
      const peer = attacker.peerId
      let n = 0
      // Republish distinct bad messages until the node has marked the sender down.
      await waitFor(
        'the attacker to lose score',
        async () => {
          n++
          const wrongChain = hexToBytes(await transfer(1_000 + n, CHAIN_ID + 1))
          const garbage = new Uint8Array([0x02, 0xde, 0xad, n & 0xff, n >> 8])
          for (const b of [wrongChain, garbage])
            void attacker.publishRaw(MAINNET_NETWORK, 'txs', b).catch(() => undefined)
          return node.p2p!.getScore(peer) < 0 || node.p2p!.isBanned(peer)
        },
        60_000,
      )
      expect(node.p2p!.getScore(peer) < 0 || node.p2p!.isBanned(peer)).toBe(true)
      expect(node.chain.mempool.size).toBeLessThanOrEqual(poolBefore)
    } finally {
      await attacker.stop()
    }
  }, 120_000)
})
