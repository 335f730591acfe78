import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type Address, parseEther } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { Chain } from '../../src/chain.js'
import { ChainStoreError } from '../../src/errors.js'
import type { GenesisSpec } from '../../src/genesis.js'
import { ChainStore } from '../../src/store.js'
import { CHAIN_ID, keys } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-open-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const alice = keys[0]?.address.toLowerCase() as Address

function genesis(ether: string): GenesisSpec {
  const { writeSet, stateRoot } = genesisWriteSet({ [alice]: { balance: parseEther(ether) } })
  return { writeSet, stateRoot, timestamp: 1_700_000_000n }
}

async function open(path: string, spec: GenesisSpec) {
  const store = new ChainStore({ path })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
    { store, executor: createSerialExecutor() },
  )
  try {
    return await chain.open(spec)
  } finally {
    store.close()
  }
}

describe('Chain.open on an existing data dir', () => {
  it('resumes with the same genesis and refuses another one, naming both state roots', async () => {
    const path = join(dir, 'chain.db')
    const first = genesis('100')
    expect((await open(path, first)).head.number).toBe(0n)
    expect((await open(path, first)).head.stateRoot).toBe(first.stateRoot)
    const other = genesis('101')
    const err = await open(path, other).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChainStoreError)
    expect((err as Error).message).toContain(first.stateRoot)
    expect((err as Error).message).toContain(other.stateRoot)
    // Refusing changed nothing: the original genesis still opens.
    expect((await open(path, first)).head.stateRoot).toBe(first.stateRoot)
  })
})
