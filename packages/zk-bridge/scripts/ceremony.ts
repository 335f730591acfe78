/**
 * Reproducible DEV trusted setup for the settlement circuit. NOT a production setup: both phases
 * use a deterministic, public random beacon instead of secret contributions, so anyone can recompute
 * the toxic waste. See README.md ("Trusted setup") for how to use a public powers of tau instead.
 *
 *   npm run ceremony -w packages/zk-bridge -- [--ptau <prepared.ptau>] [--work <dir>] [--out <dir>] [--fresh] [--check]
 *
 * --check rebuilds into <work>/artifacts and exits 1 unless every file matches artifacts/manifest.json.
 *
 * --work defaults to $TMPDIR/rollup-mesh-zk-ceremony; a phase-1 result already there is reused
 * (it is deterministic) unless --fresh.
 *
 * Steps: write circuits/exit_tree_zeros.circom from the TS tree's empty-subtree hashes, compile
 * circuits/settlement.circom with circom2 (circom's WASI build on wasmer-js), powers of tau 2^14
 * (new accumulator + beacon + prepare phase2, skipped with --ptau), the Groth16 zkey (new + beacon),
 * then export the verification key and Verifier.sol into artifacts/ with a SHA-256 manifest.
 * Never run by `npm test`; it takes ~10 minutes on two cores.
 */
import '@rollup-mesh/core/polyfill'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import * as snarkjs from 'snarkjs'
import {
  ARTIFACT_FILES,
  type ArtifactManifest,
  MANIFEST_FILE,
  readArtifactFile,
  writeArtifactFile,
} from '../src/artifacts.js'
import { EXIT_TREE_DEPTH, SETTLEMENT_BATCH_LEVELS } from '../src/constants.js'
import { ZERO_HASHES } from '../src/poseidon.js'

const PTAU_POWER = 14
const BEACON_PTAU = '0b5f8a3c6e1d2b4a9c7e5f3a1d0b8c6e4f2a0d9b7c5e3a1f8d6b4c2a0e9f7d5b'
const BEACON_ZKEY = 'c3a1e5f7092b4d6f8a1c3e5d7b9f0a2c4e6d8b0f1a3c5e7d9b2f4a6c8e0d1b3f'
const BEACON_ITERATIONS_EXP = 10

const pkg = resolve(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const { values } = parseArgs({
  options: {
    ptau: { type: 'string' },
    work: { type: 'string' },
    out: { type: 'string' },
    fresh: { type: 'boolean' },
    check: { type: 'boolean' },
  },
})
const work = resolve(values.work ?? join(tmpdir(), 'rollup-mesh-zk-ceremony'))
mkdirSync(work, { recursive: true })
const committed = join(pkg, 'artifacts')
// --check rebuilds into the work dir and compares with the committed manifest instead of replacing it
const out = resolve(values.out ?? (values.check ? join(work, 'artifacts') : committed))
mkdirSync(out, { recursive: true })

const started = Date.now()
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`)
const logger = {
  debug: () => {},
  info: (msg: string) => log(`  snarkjs: ${msg}`),
  warn: (msg: string) => log(`  snarkjs warn: ${msg}`),
  error: (msg: string) => log(`  snarkjs error: ${msg}`),
}

// 1. Empty-subtree constants for the circuit, from the same code the TS exit tree uses.
const zerosFile = join(pkg, 'circuits', 'exit_tree_zeros.circom')
writeFileSync(zerosFile, renderZeros())
log(`wrote ${zerosFile}`)

// 2. Compile with circom2 (WASI on wasmer-js).
const circom2Cli = require.resolve('circom2/cli.js')
// circom's WASI build only sees preopened directories under its cwd, so it runs from the directory that
// holds node_modules/ with relative paths; --O2 folds the linear constraints away.
const modulesDir = dirname(dirname(require.resolve('circomlib/package.json')))
const root = dirname(modulesDir)
log('compiling circuits/settlement.circom with circom2')
execFileSync(
  process.execPath,
  [
    circom2Cli,
    relative(root, join(pkg, 'circuits', 'settlement.circom')),
    '--r1cs',
    '--wasm',
    '--O2',
    '-o',
    relative(root, work),
    '-l',
    relative(root, modulesDir),
  ],
  { stdio: 'inherit', cwd: root },
)
const r1csFile = join(work, 'settlement.r1cs')
const wasmFile = join(work, 'settlement_js', 'settlement.wasm')
const r1cs = await snarkjs.r1cs.info(r1csFile, logger)

// 3. Powers of tau (phase 1), or a public prepared ptau.
let ptauFinal: string
if (values.ptau) {
  ptauFinal = resolve(values.ptau)
  log(`using prepared ptau ${ptauFinal}`)
} else if (existsSync(join(work, `pot${PTAU_POWER}_final.ptau`)) && !values.fresh) {
  // phase 1 is deterministic: a previous run's result in the work dir is the same file
  ptauFinal = join(work, `pot${PTAU_POWER}_final.ptau`)
  log(`reusing ${ptauFinal} (pass --fresh to recompute it)`)
} else {
  const curve = await snarkjs.curves.getCurveFromName('bn128')
  const ptau0 = join(work, `pot${PTAU_POWER}_0000.ptau`)
  const ptauBeacon = join(work, `pot${PTAU_POWER}_beacon.ptau`)
  ptauFinal = join(work, `pot${PTAU_POWER}_final.ptau`)
  log(`powers of tau: new accumulator 2^${PTAU_POWER}`)
  await snarkjs.powersOfTau.newAccumulator(curve, PTAU_POWER, ptau0, logger)
  log('powers of tau: beacon')
  await snarkjs.powersOfTau.beacon(
    ptau0,
    ptauBeacon,
    'rollup-mesh dev beacon',
    BEACON_PTAU,
    BEACON_ITERATIONS_EXP,
    logger,
  )
  log('powers of tau: prepare phase2 (the slow step)')
  await snarkjs.powersOfTau.preparePhase2(ptauBeacon, ptauFinal, logger)
}

// 4. Groth16 zkey (phase 2), verification key, Solidity verifier.
const zkey0 = join(work, 'settlement_0000.zkey')
const zkeyFinal = join(work, 'settlement_final.zkey')
log('groth16 setup: new zkey')
await snarkjs.zKey.newZKey(r1csFile, ptauFinal, zkey0, logger)
log('groth16 setup: beacon')
await snarkjs.zKey.beacon(
  zkey0,
  zkeyFinal,
  'rollup-mesh dev zkey beacon',
  BEACON_ZKEY,
  BEACON_ITERATIONS_EXP,
  logger,
)
const vkey = await snarkjs.zKey.exportVerificationKey(zkeyFinal, logger)
// snarkjs' exports map hides package.json; its CommonJS entry lives in <pkg>/build/
const template = readFileSync(
  join(dirname(dirname(require.resolve('snarkjs'))), 'templates', 'verifier_groth16.sol.ejs'),
  'utf8',
)
const solidity = await snarkjs.zKey.exportSolidityVerifier(zkeyFinal, { groth16: template }, logger)

copyFileSync(wasmFile, join(out, ARTIFACT_FILES.wasm))
writeArtifactFile(out, ARTIFACT_FILES.zkey, readFileSync(zkeyFinal))
writeFileSync(join(out, ARTIFACT_FILES.vkey), `${JSON.stringify(vkey, null, 2)}\n`)
writeFileSync(join(out, ARTIFACT_FILES.verifier), solidity)

const files: ArtifactManifest['files'] = {}
for (const name of Object.values(ARTIFACT_FILES)) {
  const bytes = await readArtifactFile(out, name)
  files[name] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length }
}
const manifest: ArtifactManifest = {
  circuit: 'settlement',
  exitTreeDepth: EXIT_TREE_DEPTH,
  batchLevels: SETTLEMENT_BATCH_LEVELS,
  constraints: r1cs.nConstraints,
  publicSignals: ['oldRoot', 'newRoot', 'startIndex', 'leafCount', 'settlementHash'],
  ptau: values.ptau ? `external:${values.ptau.split('/').pop()}` : `dev-beacon-2^${PTAU_POWER}`,
  setup: 'DEV ONLY: deterministic public beacons, not a production trusted setup',
  files,
}
writeFileSync(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
log(`done: ${r1cs.nConstraints} constraints; artifacts in ${out}`)
await (await snarkjs.curves.getCurveFromName('bn128')).terminate()
if (values.check) {
  const expected = JSON.parse(readFileSync(join(committed, MANIFEST_FILE), 'utf8')) as ArtifactManifest
  const differing = Object.keys(files).filter((f) => files[f]?.sha256 !== expected.files[f]?.sha256)
  if (differing.length) {
    log(`NOT reproduced: ${differing.join(', ')} differ from ${join(committed, MANIFEST_FILE)}`)
    process.exit(1)
  }
  log('reproduced: every artifact matches the committed manifest')
}

function renderZeros(): string {
  const values = ZERO_HASHES.map((z) => `        ${z}`).join(',\n')
  return `pragma circom 2.0.0;

// GENERATED by scripts/ceremony.ts from src/poseidon.ts (ZERO_HASHES): do not edit.
// exitTreeZero(h) is the root of an empty subtree of height h; exitTreeZero(0) is the empty leaf.
function exitTreeZero(h) {
    var zeros[${ZERO_HASHES.length}] = [
${values}
    ];
    return zeros[h];
}
`
}
