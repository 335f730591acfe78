/// <reference path="./types/snarkjs.d.ts" />
import type { Groth16Proof, ProveOptions, Prover } from '@rollup-mesh/core'
import { InvalidParameterError } from '@rollup-mesh/core'
import * as snarkjs from 'snarkjs'
import { loadSettlementArtifacts, type SettlementArtifacts, type VerificationKey } from './artifacts.js'
import {
  EXIT_TREE_DEPTH,
  SETTLEMENT_BATCH_LEVELS,
  SETTLEMENT_BATCH_SIZE,
  SNARK_SCALAR_FIELD,
} from './constants.js'
import { SettlementWitnessError } from './errors.js'
import type { SettlementBatch } from './exit-tree.js'
import { EMPTY_LEAF, hashPair, ZERO_HASHES } from './poseidon.js'

/** The circuit's public signals, in order. */
export const SETTLEMENT_PUBLIC_SIGNALS = [
  'oldRoot',
  'newRoot',
  'startIndex',
  'leafCount',
  'settlementHash',
] as const

export type ProveSettlementOptions = ProveOptions & {
  /** In-memory artifacts; loaded (and checked against the manifest) from the package when omitted. */
  artifacts?: Pick<SettlementArtifacts, 'wasm' | 'zkey'>
}

/** The circuit's input object for a batch (decimal strings, leaves padded to SETTLEMENT_BATCH_SIZE). */
export type SettlementCircuitInput = {
  oldRoot: string
  newRoot: string
  startIndex: string
  leafCount: string
  settlementHash: string
  leaves: string[]
  siblings: string[]
}

/** The public signals a settlement proof carries for `batch`, in circuit order (decimal strings). */
export function settlementPublicSignals(batch: SettlementBatch): string[] {
  return [
    batch.oldRoot,
    batch.newRoot,
    BigInt(batch.startIndex),
    BigInt(batch.leaves.length),
    batch.settlementHash,
  ].map(String)
}

/** Maps a batch to the circuit's input without checking that it is a valid append (see `checkSettlementBatch`). */
export function settlementCircuitInput(batch: SettlementBatch): SettlementCircuitInput {
  const leaves = [...batch.leaves]
  while (leaves.length < SETTLEMENT_BATCH_SIZE) leaves.push(EMPTY_LEAF)
  return {
    oldRoot: String(batch.oldRoot),
    newRoot: String(batch.newRoot),
    startIndex: String(batch.startIndex),
    leafCount: String(batch.leaves.length),
    settlementHash: String(batch.settlementHash),
    leaves: leaves.map(String),
    siblings: batch.siblings.map(String),
  }
}

/**
 * Checks in TypeScript what the circuit enforces, so a bad batch fails with an error naming the
 * field instead of a circuit assertion: shapes and ranges, alignment, empty right-hand siblings,
 * and that the old and new roots follow from the leaves and siblings.
 */
export function checkSettlementBatch(batch: SettlementBatch): void {
  const depth = EXIT_TREE_DEPTH
  if (!Array.isArray(batch.leaves) || batch.leaves.length > SETTLEMENT_BATCH_SIZE)
    throw new InvalidParameterError({
      param: 'leaves',
      expected: `0 to ${SETTLEMENT_BATCH_SIZE} leaves`,
      got: batch.leaves,
    })
  batch.leaves.forEach((leaf, i) => {
    if (!isField(leaf) || leaf === EMPTY_LEAF)
      throw new InvalidParameterError({
        param: `leaves[${i}]`,
        expected: 'a non-zero field element',
        got: leaf,
      })
  })
  if (!Array.isArray(batch.siblings) || batch.siblings.length !== depth - SETTLEMENT_BATCH_LEVELS)
    throw new InvalidParameterError({
      param: 'siblings',
      expected: `${depth - SETTLEMENT_BATCH_LEVELS} field elements`,
      got: batch.siblings,
    })
  for (const [param, value] of [
    ['oldRoot', batch.oldRoot],
    ['newRoot', batch.newRoot],
    ['settlementHash', batch.settlementHash],
    ...batch.siblings.map((s, i) => [`siblings[${i}]`, s] as const),
  ] as const) {
    if (!isField(value)) throw new InvalidParameterError({ param, expected: 'a field element', got: value })
  }
  const { startIndex } = batch
  if (
    !Number.isInteger(startIndex) ||
    startIndex < 0 ||
    startIndex >= 2 ** depth ||
    startIndex % SETTLEMENT_BATCH_SIZE
  )
    throw new InvalidParameterError({
      param: 'startIndex',
      expected: `a multiple of ${SETTLEMENT_BATCH_SIZE} below 2^${depth}`,
      got: startIndex,
    })
  const leaves = [...batch.leaves]
  while (leaves.length < SETTLEMENT_BATCH_SIZE) leaves.push(EMPTY_LEAF)
  let oldNode = ZERO_HASHES[SETTLEMENT_BATCH_LEVELS] as bigint
  let newNode = subtreeRoot(leaves)
  batch.siblings.forEach((sibling, l) => {
    const level = SETTLEMENT_BATCH_LEVELS + l
    const right = Math.floor(startIndex / 2 ** level) % 2 === 1
    if (!right && sibling !== ZERO_HASHES[level])
      throw new SettlementWitnessError({
        field: `siblings[${l}]`,
        reason: `Right-hand sibling at level ${level} must be the empty subtree: the batch must append at the end.`,
      })
    oldNode = right ? hashPair(sibling, oldNode) : hashPair(oldNode, sibling)
    newNode = right ? hashPair(sibling, newNode) : hashPair(newNode, sibling)
  })
  if (oldNode !== batch.oldRoot)
    throw new SettlementWitnessError({
      field: 'oldRoot',
      reason: 'It is not the root of a tree whose leaves from startIndex on are empty, given these siblings.',
    })
  if (newNode !== batch.newRoot)
    throw new SettlementWitnessError({
      field: 'newRoot',
      reason: 'It is not the root with these leaves appended at startIndex.',
    })
}

/**
 * Runs the circuit's witness calculator on `input` (no TypeScript pre-check): resolves with the
 * witness (.wtns bytes) or rejects with SettlementWitnessError when a constraint fails.
 */
export async function calculateSettlementWitness(
  input: SettlementCircuitInput,
  wasm: Uint8Array,
): Promise<Uint8Array> {
  const wtns: { type: 'mem'; data?: Uint8Array } = { type: 'mem' }
  try {
    await snarkjs.wtns.calculate(input, wasm, wtns)
  } catch (cause) {
    throw new SettlementWitnessError({
      field: 'batch',
      reason: 'The settlement circuit rejected the witness (a constraint failed).',
      cause,
    })
  }
  return wtns.data as Uint8Array
}

/**
 * Proves that `batch.newRoot` is `batch.oldRoot` with `batch.leaves` appended at `batch.startIndex`,
 * bound to `batch.settlementHash`. Reports progress through `onProgress` (`load`, `check`,
 * `witness`, `prove`, `done`); `signal` is checked between stages (snarkjs cannot stop mid-proof).
 * The curve's worker threads are released when the process has had no proof or verification in
 * flight for `setZkThreadsIdleTimeout` ms (default 1000).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { ExitTree, getSettlementArtifacts, proveSettlement, verifySettlement } from '@rollup-mesh/zk-bridge'
 *
 * const tree = new ExitTree()
 * // leaves are exitLeafHash values; 42n stands for the settlement's hash (bound into the proof)
 * const batch = tree.appendBatch([1n, 2n, 3n], 42n)
 * const { proof, publicSignals } = await proveSettlement(batch) // ~3.5 s of CPU
 * const { vkey } = await getSettlementArtifacts()
 * assert.equal(await verifySettlement(vkey, proof, publicSignals), true)
 * assert.deepEqual(publicSignals, [String(batch.oldRoot), String(batch.newRoot), '0', '3', '42'])
 * ```
 */
export async function proveSettlement(
  batch: SettlementBatch,
  options: ProveSettlementOptions = {},
): Promise<Groth16Proof> {
  const { onProgress, signal } = options
  const total = 4
  signal?.throwIfAborted()
  onProgress?.({ stage: 'load', done: 0, total })
  const artifacts = options.artifacts ?? (await defaultArtifacts())
  onProgress?.({ stage: 'check', done: 1, total })
  checkSettlementBatch(batch)
  signal?.throwIfAborted()
  onProgress?.({ stage: 'witness', done: 2, total })
  const wtns = await calculateSettlementWitness(settlementCircuitInput(batch), artifacts.wasm)
  signal?.throwIfAborted()
  onProgress?.({ stage: 'prove', done: 3, total })
  const { proof, publicSignals } = await withCurve(() => snarkjs.groth16.prove(artifacts.zkey, wtns))
  onProgress?.({ stage: 'done', done: 4, total })
  return {
    proof: {
      pi_a: proof.pi_a,
      pi_b: proof.pi_b,
      pi_c: proof.pi_c,
      protocol: 'groth16',
      curve: 'bn128',
    },
    publicSignals,
  }
}

/**
 * Verifies a settlement proof against a verification key. Returns false for any proof or public
 * signal that does not verify, including malformed ones; never throws for bad proofs.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { ExitTree, getSettlementArtifacts, proveSettlement, verifySettlement } from '@rollup-mesh/zk-bridge'
 *
 * const tree = new ExitTree()
 * // leaves are exitLeafHash values; 42n stands for the settlement's hash (bound into the proof)
 * const batch = tree.appendBatch([1n, 2n, 3n], 42n)
 * const { proof, publicSignals } = await proveSettlement(batch) // ~3.5 s of CPU
 * const { vkey } = await getSettlementArtifacts()
 * assert.equal(await verifySettlement(vkey, proof, publicSignals), true)
 * // another settlement hash (or any other public signal) does not verify
 * const forged = [...publicSignals.slice(0, 4), '43']
 * assert.equal(await verifySettlement(vkey, proof, forged), false)
 * ```
 */
export async function verifySettlement(
  vkey: VerificationKey,
  proof: Groth16Proof['proof'],
  publicSignals: readonly string[],
): Promise<boolean> {
  if (!Array.isArray(publicSignals) || publicSignals.length !== vkey.nPublic) return false
  for (const s of publicSignals) {
    if (typeof s !== 'string' || !/^[0-9]{1,78}$/.test(s) || BigInt(s) >= SNARK_SCALAR_FIELD) return false
  }
  try {
    return await withCurve(() => snarkjs.groth16.verify(vkey, [...publicSignals], proof, silentLogger))
  } catch {
    return false
  }
}

/** A core `Prover` over `proveSettlement`, for nodes that take the interface. */
export function createSettlementProver(
  init: { artifacts?: Pick<SettlementArtifacts, 'wasm' | 'zkey'> } = {},
): Prover<SettlementBatch> {
  return {
    prove: (batch, options = {}) =>
      proveSettlement(batch, init.artifacts ? { ...options, artifacts: init.artifacts } : options),
  }
}

/** Terminates the curve's worker threads now (they restart on the next proof or verification). */
export async function releaseZkThreads(): Promise<void> {
  clearIdleTimer()
  await Promise.all(inFlight)
  if (curveLive && inFlight.size === 0) {
    curveLive = false
    await (await snarkjs.curves.getCurveFromName('bn128')).terminate()
  }
}

/**
 * Loads the artifacts and starts the curve's worker threads now, so the next proof waits for neither: a
 * long-running prover calls it at start (the threads then stay up for `setZkThreadsIdleTimeout`).
 *
 * @example
 * ```ts
 * import { releaseZkThreads, warmZkProver, zkCurveStarts } from '@rollup-mesh/zk-bridge'
 *
 * await warmZkProver()
 * console.log(zkCurveStarts()) // 1: the next proof in this process starts no threads
 * await releaseZkThreads()
 * ```
 */
export async function warmZkProver(): Promise<void> {
  await defaultArtifacts()
  await withCurve(() => snarkjs.curves.getCurveFromName('bn128'))
}

/** How many times this process has started the curve's worker threads (once while it stays warm). */
export function zkCurveStarts(): number {
  return curveStarts
}

/**
 * How long the curve's worker threads stay up after the last proof or verification finishes
 * (default 1000 ms). Raise it in a long-running prover to avoid respawning them for every batch.
 */
export function setZkThreadsIdleTimeout(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0)
    throw new InvalidParameterError({
      param: 'ms',
      expected: 'a non-negative number of milliseconds',
      got: ms,
    })
  idleMs = ms
}

// snarkjs (through ffjavascript) caches one multi-threaded bn128 curve per process, and its worker
// threads keep the process alive for ever. zk-bridge owns that curve: every operation that uses it
// goes through withCurve, and once none is in flight for idleMs the curve is terminated.
let idleMs = 1000
let curveLive = false
let curveStarts = 0
let idleTimer: NodeJS.Timeout | undefined
const inFlight = new Set<Promise<unknown>>()

async function withCurve<T>(fn: () => Promise<T>): Promise<T> {
  clearIdleTimer()
  if (!curveLive) curveStarts++
  curveLive = true
  const op = fn()
  const tracked = op.then(
    () => {},
    () => {},
  )
  inFlight.add(tracked)
  try {
    return await op
  } finally {
    inFlight.delete(tracked)
    if (inFlight.size === 0) {
      idleTimer = setTimeout(() => {
        idleTimer = undefined
        if (inFlight.size === 0) releaseZkThreads().catch(() => {})
      }, idleMs)
    }
  }
}

function clearIdleTimer(): void {
  if (idleTimer) clearTimeout(idleTimer)
  idleTimer = undefined
}

let artifactsPromise: Promise<SettlementArtifacts> | undefined
function defaultArtifacts(): Promise<SettlementArtifacts> {
  artifactsPromise ??= loadSettlementArtifacts().catch((err: unknown) => {
    artifactsPromise = undefined
    throw err
  })
  return artifactsPromise
}

/** The package's committed artifacts, loaded once and checked against the manifest. */
export function getSettlementArtifacts(): Promise<SettlementArtifacts> {
  return defaultArtifacts()
}

function subtreeRoot(leaves: readonly bigint[]): bigint {
  let level = [...leaves]
  while (level.length > 1) {
    const next: bigint[] = []
    for (let i = 0; i < level.length; i += 2) next.push(hashPair(level[i] as bigint, level[i + 1] as bigint))
    level = next
  }
  return level[0] as bigint
}

function isField(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value < SNARK_SCALAR_FIELD
}

const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
