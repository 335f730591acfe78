import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Starts the worker thread whose entry module is `name` (no extension) beside `from` (the caller's
 * `import.meta.url`): the built `.js` from dist, or, when the caller runs from source under tsx, the `.ts`
 * through a JS bootstrap that registers tsx first (Node 20 workers ignore `--import tsx` for their entry
 * module) with the `source` export condition.
 *
 * @example
 * ```ts
 * const worker = startModuleWorker('decodeWorker', import.meta.url, { workerData: { chainId: '901' } })
 * ```
 */
export function startModuleWorker(
  name: string,
  from: string,
  options: Pick<WorkerOptions, 'workerData'> = {},
): Worker {
  const fromSource = from.endsWith('.ts')
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, from)
  if (!fromSource) return new Worker(url, options)
  const bootstrap = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(bootstrap, { ...options, eval: true, execArgv: ['--conditions', 'source'] })
}
