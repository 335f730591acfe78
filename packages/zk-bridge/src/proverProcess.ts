import { type ChildProcess, fork } from 'node:child_process'
import { getPriority, setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import { type Groth16Proof, InvalidParameterError, type ProveOptions, type Prover } from '@rollup-mesh/core'
import { ProverProcessError } from './errors.js'
import type { SettlementBatch } from './exit-tree.js'
import type { ProverRequest, ProverResponse } from './proverMessages.js'

export type ProverProcessOptions = {
  /**
   * How much lower than this process the prover runs (added to this process's nice value, capped at 19;
   * default 10): on a busy machine the scheduler gives block execution the cores first and proving what
   * is left.
   */
  niceness?: number
  /** How long the child process stays up after its last proof (default 60,000 ms); the next one restarts it. */
  idleMs?: number
  /** How long the child keeps the curve's worker threads between proofs (default 30,000 ms). */
  threadsIdleMs?: number
}

export const defaultProverProcessOptions = { niceness: 10, idleMs: 60_000, threadsIdleMs: 30_000 } as const

/** A settlement `Prover` whose proofs run in a child process at a lower OS priority. */
export type ProverProcess = Prover<SettlementBatch> & {
  /** The child's pid while it runs. */
  readonly pid: number | undefined
  /** The nice value the child was given (undefined before the first proof). */
  readonly niceness: number | undefined
  /**
   * How many times the child has started the curve's worker threads (as it last reported; undefined before
   * it is ready): 1 while it stays warm, one more each time they idled out (`threadsIdleMs`).
   */
  readonly curveStarts: number | undefined
  /**
   * Starts the child now (loading snarkjs and the artifacts, starting the curve's threads), so the first
   * proof waits for none of it.
   */
  warm(): Promise<void>
  /** Stops the child (by pid); proofs in flight reject with `ProverProcessError`. */
  close(): Promise<void>
}

type Pending = {
  resolve: (proof: Groth16Proof) => void
  reject: (err: unknown) => void
  onProgress: ProveOptions['onProgress']
}

/**
 * Proves settlements in a child process (`proverChild.ts`) whose threads run at a lower OS priority than
 * the node, so snarkjs' multi-threaded proving takes only the CPU that block execution leaves. The child
 * starts on the first proof, stays up `idleMs` after the last, and exits with its parent. An aborted proof
 * kills the child (snarkjs cannot stop mid-proof; a process can).
 *
 * @example
 * ```ts
 * import { ExitTree, createProverProcess, getSettlementArtifacts, verifySettlement } from '@rollup-mesh/zk-bridge'
 *
 * const prover = createProverProcess({ niceness: 10 })
 * const batch = new ExitTree().appendBatch([1n, 2n, 3n], 42n)
 * const { proof, publicSignals } = await prover.prove(batch) // in a child process at nice +10
 * const { vkey } = await getSettlementArtifacts()
 * console.log(await verifySettlement(vkey, proof, publicSignals)) // true
 * await prover.close()
 * ```
 */
export function createProverProcess(init: ProverProcessOptions = {}): ProverProcess {
  const opts = { ...defaultProverProcessOptions, ...init }
  for (const [param, value, max] of [
    ['niceness', opts.niceness, 19],
    ['idleMs', opts.idleMs, 86_400_000],
    ['threadsIdleMs', opts.threadsIdleMs, 86_400_000],
  ] as const)
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw new InvalidParameterError({ param, expected: `an integer from 0 to ${max}`, got: value })

  let child: ChildProcess | undefined
  let ready: Promise<void> | undefined
  let niceness: number | undefined
  let curveStarts: number | undefined
  let nextId = 1
  let idleTimer: NodeJS.Timeout | undefined
  const pending = new Map<number, Pending>()

  const failAll = (reason: string, cause?: unknown) => {
    for (const p of pending.values()) p.reject(new ProverProcessError({ reason, cause }))
    pending.clear()
  }

  function start(): Promise<void> {
    const fromSource = import.meta.url.endsWith('.ts')
    const entry = fileURLToPath(
      new URL(fromSource ? './proverChild.ts' : './proverChild.js', import.meta.url),
    )
    const proc = fork(entry, [], {
      // From TypeScript sources (tests) the child loads through tsx, resolved here (not from its cwd).
      execArgv: fromSource ? ['--import', import.meta.resolve('tsx'), '--conditions', 'source'] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    })
    child = proc
    proc.unref()
    proc.channel?.unref()
    const nice = Math.min(19, safeGetPriority() + opts.niceness)
    niceness = nice
    try {
      // The child's main thread at once (threads it starts later inherit it); it lowers the rest itself.
      if (proc.pid !== undefined) setPriority(proc.pid, nice)
    } catch {}
    return new Promise<void>((resolve, reject) => {
      proc.on('message', (msg: ProverResponse) => {
        if (msg.type === 'ready') {
          curveStarts = msg.curveStarts
          return resolve()
        }
        const p = pending.get(msg.id)
        if (!p) return
        if (msg.type === 'progress') return p.onProgress?.(msg.progress)
        pending.delete(msg.id)
        if (msg.type === 'proof') {
          curveStarts = msg.curveStarts
          p.resolve(msg.proof)
        } else
          p.reject(
            new ProverProcessError({
              reason: `${msg.error.name}${msg.error.code ? ` (${msg.error.code})` : ''}: ${msg.error.shortMessage ?? msg.error.message}`,
            }),
          )
        if (pending.size === 0) armIdle()
      })
      proc.once('error', (err) =>
        reject(new ProverProcessError({ reason: 'it could not start', cause: err })),
      )
      proc.once('exit', (code, signal) => {
        if (child === proc) {
          child = undefined
          ready = undefined
          curveStarts = undefined
        }
        const reason = `it exited (${signal ?? `code ${code}`})`
        reject(new ProverProcessError({ reason }))
        failAll(reason)
      })
      proc.send({ type: 'init', niceness: nice, threadsIdleMs: opts.threadsIdleMs } satisfies ProverRequest)
    })
  }

  function armIdle(): void {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      if (pending.size === 0) void stopChild()
    }, opts.idleMs)
    idleTimer.unref()
  }

  async function stopChild(): Promise<void> {
    clearTimeout(idleTimer)
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((r) => proc.once('exit', r))
    if (proc.pid !== undefined) process.kill(proc.pid, 'SIGTERM')
    await exited
  }

  return {
    get pid() {
      return child?.pid
    },
    get niceness() {
      return niceness
    },
    get curveStarts() {
      return curveStarts
    },
    async prove(batch, options = {}) {
      options.signal?.throwIfAborted()
      clearTimeout(idleTimer)
      ready ??= start()
      await ready
      const proc = child
      if (!proc) throw new ProverProcessError({ reason: 'it exited before the proof was sent' })
      const id = nextId++
      const proof = new Promise<Groth16Proof>((resolve, reject) =>
        pending.set(id, { resolve, reject, onProgress: options.onProgress }),
      )
      const onAbort = () => void stopChild()
      options.signal?.addEventListener('abort', onAbort, { once: true })
      proc.send({ type: 'prove', id, batch } satisfies ProverRequest)
      try {
        return await proof
      } finally {
        options.signal?.removeEventListener('abort', onAbort)
      }
    },
    async warm() {
      ready ??= start()
      await ready
      if (pending.size === 0) armIdle()
    },
    async close() {
      await stopChild()
      failAll('the prover was closed')
    },
  }
}

function safeGetPriority(): number {
  try {
    return getPriority()
  } catch {
    return 0
  }
}
