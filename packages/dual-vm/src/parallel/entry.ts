import { mkdir, rm } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { CommittedStateSource, PrecompilesSource, WasmEngineSource } from './protocol.js'

/** How to start a worker: the script, its flags, and where the WASM engine module is. */
export type WorkerEntry = {
  url: URL
  execArgv: string[] | undefined
  wasm: WasmEngineSource | undefined
  precompiles: PrecompilesSource | undefined
  committedState: CommittedStateSource | undefined
  /** Removes files made for this entry (the source-mode bundle) once the workers have loaded them. */
  cleanup: () => Promise<void>
}

let bundles = 0

/**
 * From `dist`, workers run the compiled `worker.js` next to this module. From
 * TypeScript source (tests, `tsx`), Node 20 workers cannot use the tsx loader
 * (module hooks do not reach worker threads before Node 22), so the worker and
 * the workspace code it imports are bundled with esbuild (a root dev
 * dependency) into the package's `node_modules/.cache`, npm packages left
 * external; a `.ts` WASM engine module is bundled alongside.
 */
export async function workerEntry(
  wasm: WasmEngineSource | undefined,
  precompiles?: PrecompilesSource,
  committedState?: CommittedStateSource,
): Promise<WorkerEntry> {
  if (!import.meta.url.endsWith('.ts')) {
    return {
      url: new URL('./worker.js', import.meta.url),
      execArgv: undefined,
      wasm,
      precompiles,
      committedState,
      cleanup: async () => {},
    }
  }
  const esbuild = await import('esbuild')
  const packageRoot = new URL('../../', import.meta.url)
  const outdir = fileURLToPath(
    new URL(`node_modules/.cache/rollup-mesh-parallel/${process.pid}-${++bundles}/`, packageRoot),
  )
  await mkdir(outdir, { recursive: true })
  const entryPoints: Record<string, string> = {
    worker: fileURLToPath(new URL('./worker.ts', import.meta.url)),
  }
  const entryOf = (source: WasmEngineSource) =>
    source.module.startsWith('file:') ? fileURLToPath(source.module) : source.module
  if (wasm) entryPoints.wasm = entryOf(wasm)
  if (precompiles) entryPoints.precompiles = entryOf(precompiles)
  if (committedState) entryPoints.committedState = entryOf(committedState)
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    conditions: ['source'],
    absWorkingDir: fileURLToPath(packageRoot),
    logLevel: 'silent',
    plugins: [
      {
        name: 'external-npm-packages',
        setup(build) {
          // Workspace packages are bundled from source; everything from npm stays external.
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@rollup-mesh/') || args.kind === 'entry-point'
              ? undefined
              : { path: args.path, external: true },
          )
        },
      },
    ],
  })
  return {
    url: pathToFileURL(`${outdir}worker.mjs`),
    execArgv: [],
    wasm: wasm ? { ...wasm, module: pathToFileURL(`${outdir}wasm.mjs`).href } : undefined,
    precompiles: precompiles
      ? { ...precompiles, module: pathToFileURL(`${outdir}precompiles.mjs`).href }
      : undefined,
    committedState: committedState
      ? { ...committedState, module: pathToFileURL(`${outdir}committedState.mjs`).href }
      : undefined,
    cleanup: () => rm(outdir, { recursive: true, force: true }),
  }
}
