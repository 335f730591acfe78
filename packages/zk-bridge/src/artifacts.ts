import { createHash } from 'node:crypto'
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { InvalidParameterError } from '@rollup-mesh/core'
import { EXIT_TREE_DEPTH, SETTLEMENT_BATCH_LEVELS } from './constants.js'
import { ArtifactMismatchError, ArtifactNotFoundError } from './errors.js'

/** File names of the committed settlement-circuit artifacts, relative to `artifacts/`. */
export const ARTIFACT_FILES = {
  wasm: 'settlement.wasm',
  zkey: 'settlement_final.zkey',
  vkey: 'verification_key.json',
  verifier: 'Verifier.sol',
} as const

export const MANIFEST_FILE = 'manifest.json'

/** `artifacts/manifest.json`, written by scripts/ceremony.ts. */
export type ArtifactManifest = {
  circuit: string
  exitTreeDepth: number
  batchLevels: number
  constraints: number
  publicSignals: string[]
  ptau: string
  setup: string
  files: Record<string, { sha256: string; bytes: number }>
}

/** snarkjs' Groth16 verification key JSON. */
export type VerificationKey = {
  protocol: 'groth16'
  curve: 'bn128'
  nPublic: number
  [key: string]: unknown
}

/** Everything proving and verifying need, in memory. */
export type SettlementArtifacts = {
  /** The circuit's witness-calculator WebAssembly. */
  wasm: Uint8Array
  /** The final Groth16 proving key. */
  zkey: Uint8Array
  vkey: VerificationKey
  /** The exported Solidity verifier (contract `Groth16Verifier`). */
  verifierSol: string
  manifest: ArtifactManifest
}

/** The directory this package ships its artifacts in (`packages/zk-bridge/artifacts`, from src/ or dist/). */
export const DEFAULT_ARTIFACTS_DIR = resolve(import.meta.dirname, '..', 'artifacts')

/**
 * Reads the settlement artifacts from `dir` and checks each file's SHA-256 against the manifest;
 * throws ArtifactMismatchError on any difference and ArtifactNotFoundError for a missing file.
 */
export async function loadSettlementArtifacts({
  dir = DEFAULT_ARTIFACTS_DIR,
}: {
  dir?: string
} = {}): Promise<SettlementArtifacts> {
  const manifest = parseManifest(await read(dir, MANIFEST_FILE))
  const [wasm, zkey, vkey, verifier] = await Promise.all([
    read(dir, ARTIFACT_FILES.wasm),
    read(dir, ARTIFACT_FILES.zkey),
    read(dir, ARTIFACT_FILES.vkey),
    read(dir, ARTIFACT_FILES.verifier),
  ])
  return checkSettlementArtifacts(manifest, { wasm, zkey, vkey, verifier })
}

/**
 * Checks in-memory artifact bytes against a manifest (the loader's check, for callers that ship
 * artifacts some other way) and returns them parsed.
 */
export function checkSettlementArtifacts(
  manifest: ArtifactManifest,
  bytes: { wasm: Uint8Array; zkey: Uint8Array; vkey: Uint8Array; verifier: Uint8Array },
): SettlementArtifacts {
  const named: [string, Uint8Array][] = [
    [ARTIFACT_FILES.wasm, bytes.wasm],
    [ARTIFACT_FILES.zkey, bytes.zkey],
    [ARTIFACT_FILES.vkey, bytes.vkey],
    [ARTIFACT_FILES.verifier, bytes.verifier],
  ]
  for (const [param, got, expected] of [
    ['manifest.exitTreeDepth', manifest.exitTreeDepth, EXIT_TREE_DEPTH],
    ['manifest.batchLevels', manifest.batchLevels, SETTLEMENT_BATCH_LEVELS],
  ] as const) {
    if (got !== expected)
      throw new InvalidParameterError({
        param,
        expected: `${expected}, as in src/constants.ts (re-run the ceremony after changing the tree shape)`,
        got,
      })
  }
  for (const [file, data] of named) {
    const expected = manifest.files[file]?.sha256
    if (!expected)
      throw new ArtifactMismatchError({ file, expected: '(not in manifest)', got: sha256Hex(data) })
    const got = sha256Hex(data)
    if (got !== expected) throw new ArtifactMismatchError({ file, expected, got })
  }
  const decoder = new TextDecoder()
  return {
    wasm: bytes.wasm,
    zkey: bytes.zkey,
    vkey: JSON.parse(decoder.decode(bytes.vkey)) as VerificationKey,
    verifierSol: decoder.decode(bytes.verifier),
    manifest,
  }
}

function parseManifest(bytes: Uint8Array): ArtifactManifest {
  let manifest: unknown
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes))
  } catch (cause) {
    throw new ArtifactNotFoundError({ file: MANIFEST_FILE, cause })
  }
  if (!manifest || typeof manifest !== 'object' || typeof (manifest as ArtifactManifest).files !== 'object')
    throw new InvalidParameterError({
      param: MANIFEST_FILE,
      expected: 'an object with a "files" map',
      got: manifest,
    })
  return manifest as ArtifactManifest
}

/**
 * Artifacts larger than this are stored as `<name>.part0`, `<name>.part1`, … (git hosts and our CI refuse
 * tracked files over 5 MiB); readers join the parts, and the manifest hashes the joined bytes.
 */
export const ARTIFACT_PART_BYTES = 4 * 1024 * 1024

/** Writes `bytes` as `dir/name`, or as numbered parts when it is over `ARTIFACT_PART_BYTES`. */
export function writeArtifactFile(dir: string, name: string, bytes: Uint8Array): void {
  for (const stale of readdirSync(dir).filter((f) => f === name || f.startsWith(`${name}.part`)))
    rmSync(join(dir, stale))
  if (bytes.length <= ARTIFACT_PART_BYTES) {
    writeFileSync(join(dir, name), bytes)
    return
  }
  for (let i = 0; i * ARTIFACT_PART_BYTES < bytes.length; i++)
    writeFileSync(
      join(dir, `${name}.part${i}`),
      bytes.subarray(i * ARTIFACT_PART_BYTES, (i + 1) * ARTIFACT_PART_BYTES),
    )
}

/** Reads `dir/name`, joining its numbered parts when it was stored split; `ArtifactNotFoundError` when neither exists. */
export async function readArtifactFile(dir: string, name: string): Promise<Uint8Array> {
  const path = join(dir, name)
  const parts: Buffer[] = []
  try {
    if (existsSync(path)) return new Uint8Array(await readFile(path))
    for (let i = 0; existsSync(join(dir, `${name}.part${i}`)); i++)
      parts.push(await readFile(join(dir, `${name}.part${i}`)))
  } catch (cause) {
    throw new ArtifactNotFoundError({ file: path, cause })
  }
  if (parts.length === 0)
    throw new ArtifactNotFoundError({
      file: path,
      reason: `Neither ${name} nor ${name}.part0 exists in ${dir}.`,
    })
  return new Uint8Array(Buffer.concat(parts))
}

const read = readArtifactFile

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}
