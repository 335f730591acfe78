// Builds `.device/` at the repository root: bench:parallel made runnable on a machine that has neither our
// Node.js nor node_modules nor a network (the lent 16-core device).
//
//   npm run bench:parallel:device -w @rollup-mesh/dual-vm      # here
//   sh .device/run.sh --workers 2,4,8,12,16 --only erc20-evm   # there, with `.device` carried
//
// - bench.mjs, worker.js, engine.mjs: esbuild bundles of bench/parallel.ts, the executor's worker and the
//   WASM engine, every npm dependency inlined (the compilers stay out: the contracts travel compiled);
// - compiled.json: the example contracts, compiled here;
// - node.xz: this machine's node binary, compressed;
// - run.sh: unpacks node to /tmp and runs the benchmark with the arguments it is given.
//
// The bundles cannot reach ethereumjs's unexported Interpreter, so its jump-analysis cache (speedups.ts)
// is off there: absolute tx/s are a little lower than from source, serial and parallel alike.
import { execFileSync } from 'node:child_process'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const here = (p) => fileURLToPath(new URL(p, import.meta.url))
const out = process.argv[2] ?? here('../../../.device/')
await rm(out, { recursive: true, force: true })
await mkdir(out, { recursive: true })

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  logLevel: 'warning',
  // Only the compilers stay out (loaded lazily, never with --compiled); CommonJS dependencies get a `require`.
  external: ['solc', 'assemblyscript', 'assemblyscript/*', 'binaryen', 'esbuild'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
}
await esbuild.build({ ...common, entryPoints: [here('parallel.ts')], outfile: `${out}/bench.mjs` })
// The executor starts `./worker.js` next to its own module, which is the benchmark bundle here.
await esbuild.build({
  ...common,
  entryPoints: [here('../src/parallel/worker.ts')],
  outfile: `${out}/worker.js`,
})
await esbuild.build({ ...common, entryPoints: [here('../src/wasm/engine.ts')], outfile: `${out}/engine.mjs` })
await writeFile(`${out}/package.json`, '{ "type": "module" }\n')

execFileSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--conditions',
    'source',
    here('parallel.ts'),
    '--save-compiled',
    `${out}/compiled.json`,
  ],
  { stdio: 'inherit' },
)

await writeFile(
  `${out}/node.xz`,
  execFileSync('xz', ['-T0', '-6', '-c', process.execPath], { maxBuffer: 1 << 30 }),
)

await writeFile(
  `${out}/run.sh`,
  `#!/bin/sh
# bench:parallel on a machine without our toolchain: sh .device/run.sh [bench:parallel arguments]
set -e
dir=$(cd "$(dirname "$0")" && pwd)
[ -x /tmp/rollup-mesh-node ] || { xz -dc "$dir/node.xz" > /tmp/rollup-mesh-node && chmod +x /tmp/rollup-mesh-node; }
BENCH_WASM_ENGINE="$dir/engine.mjs" exec /tmp/rollup-mesh-node "$dir/bench.mjs" --compiled "$dir/compiled.json" "$@"
`,
)

let total = 0
for (const f of ['bench.mjs', 'worker.js', 'engine.mjs', 'compiled.json', 'node.xz', 'run.sh']) {
  const { size } = await stat(`${out}/${f}`)
  total += size
  console.log(`${f.padEnd(14)} ${(size / 2 ** 20).toFixed(1).padStart(6)} MiB`)
}
console.log(
  `${'total'.padEnd(14)} ${(total / 2 ** 20).toFixed(1).padStart(6)} MiB in ${out} (the device takes 64 MiB)`,
)
