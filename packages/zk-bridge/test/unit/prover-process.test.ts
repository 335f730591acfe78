import { readdirSync } from 'node:fs'
import { getPriority } from 'node:os'
import { InvalidParameterError } from '@rollup-mesh/core'
import { afterAll, describe, expect, it } from 'vitest'
import { ProverProcessError } from '../../src/errors.js'
import { ExitTree } from '../../src/exit-tree.js'
import { getSettlementArtifacts, verifySettlement } from '../../src/prover.js'
import { createProverProcess, type ProverProcess } from '../../src/proverProcess.js'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const waitGone = async (pid: number) => {
  const end = Date.now() + 30_000
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
  return !alive(pid)
}

const provers: ProverProcess[] = []
afterAll(async () => {
  for (const p of provers) await p.close()
})

describe('createProverProcess', () => {
  it('proves in a child process whose threads all run at the lower priority', async () => {
    const prover = createProverProcess({ niceness: 1 })
    provers.push(prover)
    const batch = new ExitTree().appendBatch([1n, 2n, 3n], 42n)
    const stages: string[] = []
    const { proof, publicSignals } = await prover.prove(batch, { onProgress: (p) => stages.push(p.stage) })
    const { vkey } = await getSettlementArtifacts()
    expect(await verifySettlement(vkey, proof, publicSignals)).toBe(true)
    expect(publicSignals).toEqual([String(batch.oldRoot), String(batch.newRoot), '0', '3', '42'])
    expect(stages).toEqual(['load', 'check', 'witness', 'prove', 'done'])

    const pid = prover.pid as number
    expect(pid).toBeGreaterThan(0)
    expect(pid).not.toBe(process.pid)
    const expected = Math.min(19, getPriority() + 1)
    expect(prover.niceness).toBe(expected)
    const tids = readdirSync(`/proc/${pid}/task`).map(Number)
    expect(tids.length).toBeGreaterThan(1)
    for (const tid of tids) expect(getPriority(tid), `thread ${tid}`).toBe(expected)

    // A bad batch is refused by the child with the prover's own error; the child keeps serving.
    const bad = { ...batch, startIndex: 3 }
    const err = await prover.prove(bad).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProverProcessError)
    expect((err as Error).message).toMatch(/InvalidParameterError/)
    expect(prover.pid).toBe(pid)

    await prover.close()
    expect(await waitGone(pid)).toBe(true)
    expect(prover.pid).toBeUndefined()
  }, 240_000)

  it('stops the child when a proof is aborted, and starts a new one for the next proof', async () => {
    const prover = createProverProcess()
    provers.push(prover)
    const controller = new AbortController()
    const batch = new ExitTree().appendBatch([5n], 7n)
    const proving = prover.prove(batch, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'load') controller.abort()
      },
    })
    await expect(proving).rejects.toBeInstanceOf(ProverProcessError)
    expect(prover.pid).toBeUndefined()
    await expect(prover.prove(batch, { signal: AbortSignal.abort() })).rejects.toThrow()
  }, 120_000)

  it('warm() readies the child with its curve threads started; proofs then start none and keep the child', async () => {
    const prover = createProverProcess()
    provers.push(prover)
    expect(prover.curveStarts).toBeUndefined()
    await prover.warm()
    const pid = prover.pid as number
    expect(prover.curveStarts).toBe(1)
    const { vkey } = await getSettlementArtifacts()
    for (const leaf of [11n, 12n]) {
      const { proof, publicSignals } = await prover.prove(new ExitTree().appendBatch([leaf], 9n))
      expect(await verifySettlement(vkey, proof, publicSignals)).toBe(true)
      expect(prover.curveStarts).toBe(1)
      expect(prover.pid).toBe(pid)
    }
  }, 240_000)

  it('refuses bad options, naming the field', () => {
    expect(() => createProverProcess({ niceness: 20 })).toThrow(InvalidParameterError)
    expect(() => createProverProcess({ idleMs: -1 })).toThrow(/idleMs/)
  })
})
