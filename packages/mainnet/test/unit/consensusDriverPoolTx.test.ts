import { Chain, ChainStore } from '@rollup-mesh/chain'
import { blsKeyPairFromSeed, createMemorySigningGuard, ValidatorSchedule } from '@rollup-mesh/consensus'
import { createSilentLogger, devAccounts } from '@rollup-mesh/core'
import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type Address, hexToBytes, parseEther, parseGwei } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { type ConsensusDriver, createConsensusDriver } from '../../src/consensus/consensusDriver.js'
import type { ConsensusTimers } from '../../src/consensus/consensusDriverApi.js'
import { EvidenceStore } from '../../src/consensus/evidenceStore.js'
import { blsSeedOf, genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'

/**
 * One validator whose timers never fire (block time, empty-block clock waits, round timeouts): the only way
 * it can build a block after its first attempt found nothing to seal is a transaction arriving in its pool.
 */
const CHAIN_ID = 900
const [validatorKey, userKey] = devAccounts(2).map((a) => a.privateKey) as [`0x${string}`, `0x${string}`]
const genesis = [genesisValidatorOf(validatorKey)]
const user = privateKeyToAccount(userKey)

const drivers: ConsensusDriver[] = []
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop()
})

async function until(what: string, cond: () => boolean): Promise<void> {
  const end = Date.now() + 15_000
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('consensus driver: a pool transaction wakes the proposer', () => {
  it('builds at once when a transaction arrives after an attempt found nothing to seal', async () => {
    const store = new ChainStore({ path: ':memory:' })
    const chain = new Chain(
      { chainId: BigInt(CHAIN_ID), blockGasLimit: 30_000_000n, coinbase: genesis[0]!.address as Address },
      { store, executor: createSerialExecutor() },
    )
    const { writeSet, stateRoot } = genesisWriteSet({ [user.address]: { balance: parseEther('1') } })
    // genesis at the current second: an empty block would take a timestamp ahead of the clock, so it waits
    await chain.open({ writeSet, stateRoot, timestamp: BigInt(Math.floor(Date.now() / 1000)) })
    const armed: unknown[] = []
    const timers: ConsensusTimers = {
      setTimeout: (fn) => {
        armed.push(fn)
        return armed.length
      },
      clearTimeout: () => undefined,
    }
    const driver = createConsensusDriver({
      chain,
      chainId: CHAIN_ID,
      schedule: new ValidatorSchedule(validatorSetOfConfig(genesis), { firstHeight: 1 }),
      self: {
        index: 0,
        address: genesis[0]!.address,
        ...blsKeyPairFromSeed(hexToBytes(blsSeedOf(validatorKey))),
      },
      guard: createMemorySigningGuard(),
      timeouts: {
        propose: { baseMs: 1_000, perRoundMs: 500 },
        prevote: { baseMs: 1_000, perRoundMs: 500 },
        precommit: { baseMs: 1_000, perRoundMs: 500 },
      },
      blockTimeMs: 0,
      network: () => undefined,
      evidence: new EvidenceStore(chain.store),
      logger: createSilentLogger(),
      timers,
    })
    drivers.push(driver)
    await driver.start()
    // the first attempts run (at most one empty block if the clock's second turns meanwhile), then it waits
    await until('a build attempt waiting on a timer', () => armed.length >= 2)
    await new Promise((r) => setTimeout(r, 200))
    const before = chain.head().number
    expect(before).toBeLessThanOrEqual(1n)
    const raw = await user.signTransaction({
      type: 'eip1559',
      chainId: CHAIN_ID,
      nonce: 0,
      to: genesis[0]!.address as Address,
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: parseGwei('100'),
      maxPriorityFeePerGas: parseGwei('1'),
    })
    const hash = await chain.mempool.add(raw)
    await until('the transaction in a committed block', () => chain.head().number > before)
    const block = chain.head().number
    expect(chain.store.getBlockTxs(block).map((t) => t.hash)).toContain(hash)
    expect(chain.certificates.get(block)).toBeDefined()
    expect(chain.mempool.size).toBe(0)
  }, 30_000)
})
