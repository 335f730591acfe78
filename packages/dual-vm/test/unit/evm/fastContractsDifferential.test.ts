import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { alice } from '../helpers.js'
import { setupUniswap, setupWETH } from './differential/defi.js'
import { DualEngineChain, type FuzzCall } from './differential/dualEngineChain.js'
import { compileFuzzTokens, setupERC20, setupERC721, type TokenArtifacts } from './differential/tokens.js'
import { actors, blocksOf, deploy, npmArtifact } from './differential/values.js'

// Differential fuzzing, real contracts: fast-check sequences of calls (random senders, edge amounts,
// approvals, transferFrom, mint/burn, swaps/sync/skim, deposit/withdraw, mangled calldata, too little
// gas) into OpenZeppelin ERC20/ERC721, Uniswap V2 core and WETH9, run block by block on both EVM engines
// over the same pre-state. Status, gas used, refund, return data, logs, the complete write set and the
// state root must be identical (`DualEngineChain.block`). Quick here; `npm run fuzz` runs it long.

const RUNS = Number(process.env.FUZZ_CONTRACT_RUNS ?? 12)

type Setup = (chain: DualEngineChain) => Promise<fc.Arbitrary<FuzzCall[]>>

/** Deploys on a fresh dual chain, then runs `RUNS` random block sequences, each on a copy of the deployment. */
async function fuzz(setup: Setup): Promise<{ ranFast: number; statuses: Set<number> }> {
  const base = new DualEngineChain(Object.fromEntries(actors.map((a) => [a, { balance: 10n ** 24n }])))
  const action = await setup(base)
  let ranFast = 0
  const statuses = new Set<number>()
  await fc.assert(
    fc.asyncProperty(blocksOf(action), async (blocks) => {
      const chain = base.fork()
      for (const calls of blocks) for (const r of await chain.block(calls)) statuses.add(r.status)
      ranFast += chain.ranFast
    }),
    { numRuns: RUNS },
  )
  return { ranFast, statuses }
}

describe('fast EVM vs ethereumjs: random calls into real contracts (differential)', () => {
  let tokens: TokenArtifacts
  beforeAll(async () => {
    tokens = await compileFuzzTokens()
  }, 120_000)

  // Every contract sees successes and failures, and the fast engine ran the transactions itself.
  const check = ({ ranFast, statuses }: { ranFast: number; statuses: Set<number> }) => {
    expect(ranFast).toBeGreaterThan(RUNS)
    expect([...statuses].sort()).toEqual([0, 1])
  }

  it('OpenZeppelin ERC20: transfer, approve, transferFrom, mint, burn', async () => {
    check(await fuzz((chain) => setupERC20(chain, tokens)))
  }, 300_000)

  it('OpenZeppelin ERC721: safe mints, transfers to receivers and non-receivers, approvals, burns', async () => {
    check(await fuzz((chain) => setupERC721(chain, tokens)))
  }, 300_000)

  it('Uniswap V2 core: swaps, mint, burn, sync, skim, permit, new pairs', async () => {
    check(await fuzz(setupUniswap))
  }, 300_000)

  it('WETH9: deposit, withdraw, plain sends, transfers', async () => {
    check(await fuzz(setupWETH))
  }, 300_000)

  it('the comparison bites: a refund or return data off by one on the fast side fails the block', async () => {
    const weth = new DualEngineChain({ [alice]: { balance: 10n ** 24n } })
    const address = await deploy(weth, alice, npmArtifact('@uniswap/v2-periphery/build/WETH9.json'))
    // A deposit, a withdrawal (a refund: its balance slot goes back to zero) and a balanceOf (return data).
    const calls: FuzzCall[] = [
      { from: alice, to: address, data: '0xd0e30db0', value: 5n, gas: 100_000n },
      { from: alice, to: address, data: `0x2e1a7d4d${'00'.repeat(31)}05`, gas: 100_000n },
      { from: alice, to: address, data: `0x70a08231${'00'.repeat(12)}${alice.slice(2)}`, gas: 100_000n },
    ]
    const refund = weth.fork()
    refund.perturbFast = (e) => {
      e.gasRefund += 1n
      e.error = undefined
    }
    await expect(refund.block(calls)).rejects.toThrow(/gasRefund/)
    const output = weth.fork()
    output.perturbFast = (e) => {
      e.returnValue = new Uint8Array([...e.returnValue, 1])
    }
    await expect(output.block(calls)).rejects.toThrow(/returnValue/)
    // Unperturbed, the same calls agree.
    await weth.fork().block(calls)
  })
})
