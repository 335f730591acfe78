import { Writable } from 'node:stream'
import { Chain, ChainStore } from '@rollup-mesh/chain'
import { type Proposal, ValidatorSchedule } from '@rollup-mesh/consensus'
import { createLogger, devAccounts } from '@rollup-mesh/core'
import { createSerialExecutor, genesisWriteSet } from '@rollup-mesh/dual-vm'
import { type Address, type Hex, parseEther } from 'viem'
import { describe, expect, it } from 'vitest'
import { encodeBlockHeader } from '../../src/consensus/blockBody.js'
import { executeProposedBlock } from '../../src/consensus/proposedBlock.js'
import { genesisValidatorOf, validatorSetOfConfig } from '../../src/consensus/validatorKeys.js'

/** A proposal's block refused for each of its reasons (logged, never thrown), accepted when all hold. */
const [proposerKey, otherKey] = devAccounts(2).map((a) => a.privateKey) as [Hex, Hex]
const proposer = genesisValidatorOf(proposerKey)
const schedule = new ValidatorSchedule(validatorSetOfConfig([proposer]), { firstHeight: 1 })
const nowS = () => BigInt(Math.floor(Date.now() / 1000))

async function chainWithCoinbase(coinbase: Address): Promise<Chain> {
  const chain = new Chain(
    { chainId: 900n, blockGasLimit: 30_000_000n, coinbase },
    { store: new ChainStore({ path: ':memory:' }), executor: createSerialExecutor() },
  )
  const { writeSet, stateRoot } = genesisWriteSet({ [proposer.address]: { balance: parseEther('1') } })
  await chain.open({ writeSet, stateRoot, timestamp: 1_000n })
  return chain
}

async function attempt(body: { header: Uint8Array; txs: Hex[] }, value: Hex, check?: () => void) {
  const lines: Array<{ msg: string }> = []
  const log = createLogger({
    level: 'warn',
    destination: new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()))
        cb()
      },
    }),
  })
  const verifier = await chainWithCoinbase(proposer.address as Address)
  const proposal: Proposal = { height: 1, round: 0, value, validRound: -1, proposer: 0 }
  const candidate = await executeProposedBlock({
    chain: verifier,
    schedule,
    proposal,
    body,
    maxTimestampLeadS: 2,
    log,
    ...(check ? { check } : {}),
  })
  return { candidate, reasons: lines.map((l) => l.msg) }
}

async function proposedBy(coinbase: Address, timestamp: bigint) {
  const c = await (await chainWithCoinbase(coinbase)).buildBlock(timestamp)
  return { body: { header: encodeBlockHeader(c.header), txs: c.txs.map((t) => t.raw) }, hash: c.hash }
}

describe('executeProposedBlock', () => {
  it("executes the proposer's block and returns its candidate", async () => {
    const p = await proposedBy(proposer.address as Address, nowS())
    const { candidate, reasons } = await attempt(p.body, p.hash)
    expect(candidate?.hash).toBe(p.hash)
    expect(reasons).toEqual([])
  })

  it('refuses a block whose coinbase is not the proposer', async () => {
    const p = await proposedBy(genesisValidatorOf(otherKey).address as Address, nowS())
    const { candidate, reasons } = await attempt(p.body, p.hash)
    expect(candidate).toBeUndefined()
    expect(reasons).toEqual(['proposed block: coinbase is not the proposer'])
  })

  it('refuses a block timestamped beyond the allowed lead', async () => {
    const p = await proposedBy(proposer.address as Address, nowS() + 30n)
    const { candidate, reasons } = await attempt(p.body, p.hash)
    expect(candidate).toBeUndefined()
    expect(reasons).toEqual(['proposed block: timestamp ahead of the clock'])
  })

  it("refuses a block whose executed hash is not the proposal's value", async () => {
    const p = await proposedBy(proposer.address as Address, nowS())
    const { candidate, reasons } = await attempt(p.body, `0x${'ab'.repeat(32)}`)
    expect(candidate).toBeUndefined()
    expect(reasons).toEqual(['proposed block: hash differs'])
  })

  it("refuses a block the node's own check rejects, and a header that does not decode", async () => {
    const p = await proposedBy(proposer.address as Address, nowS())
    const checked = await attempt(p.body, p.hash, () => {
      throw new Error('evidence invalid')
    })
    expect(checked.candidate).toBeUndefined()
    expect(checked.reasons).toEqual(['proposed block invalid'])
    const garbage = await attempt({ header: new Uint8Array([1, 2, 3]), txs: [] }, p.hash)
    expect(garbage.candidate).toBeUndefined()
    expect(garbage.reasons).toEqual(['proposed block invalid'])
  })
})
