import { createHash } from 'node:crypto'
import { lstat, readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { bytesToHex, type Hex, InvalidParameterError } from '@rollup-mesh/core'

/**
 * The simulated enclave's `mr_enclave`: a SHA-256 measurement of the executor
 * build, defined exactly as follows (version 1).
 *
 * Inputs
 * - `dir`: the built executor (the `dist/` of `@rollup-mesh/dual-vm`). Every regular
 *   file below it, recursively, is measured except those that do not execute:
 *   names ending in `.map`, `.d.ts`, `.d.mts`, `.d.cts` or `.tsbuildinfo`.
 *   Symbolic links and other non-regular files are refused (a link could point
 *   outside the measured tree).
 * - `config`: the executor configuration, serialised as canonical JSON: object keys
 *   sorted by UTF-16 code unit order (JavaScript's default sort), no whitespace,
 *   `undefined` members dropped; bigints, functions, symbols, NaN and Infinity
 *   are refused.
 *
 * Digest
 * ```
 * fileDigest(f) = SHA-256(contents of f)
 * mr_enclave    = SHA-256(
 *   "rollup-mesh/mr_enclave/v1" 0x00
 *   for each file, sorted by the UTF-8 bytes of its '/'-separated relative path:
 *     "file" 0x00 path 0x00 fileDigest(f)
 *   "config" 0x00 SHA-256(canonicalJson(config))
 * )
 * ```
 * Paths cannot contain 0x00, so the encoding is unambiguous. The result is 32
 * bytes, the size of SGX's `mr_enclave`.
 */
export const MEASUREMENT_DOMAIN = 'rollup-mesh/mr_enclave/v1'

const EXCLUDED_SUFFIXES = ['.map', '.d.ts', '.d.mts', '.d.cts', '.tsbuildinfo']

export type MeasuredFile = { path: string; size: number; sha256: Hex }

export type ExecutorMeasurement = {
  /** 32 bytes: the value a quote's `mr_enclave` carries. */
  mrEnclave: Uint8Array
  mrEnclaveHex: Hex
  /** What went in, in hashing order. */
  files: MeasuredFile[]
  configJson: string
}

/** Canonical JSON (sorted keys, no whitespace) of plain JSON data. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value, '$'))
}

function canonicalize(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new InvalidParameterError({
        param: `config${path.slice(1)}`,
        expected: 'a finite number',
        got: value,
      })
    }
    return value
  }
  if (Array.isArray(value)) return value.map((v, i) => canonicalize(v, `${path}[${i}]`))
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = canonicalize(v, `${path}.${key}`)
    }
    return out
  }
  throw new InvalidParameterError({
    param: `config${path.slice(1)}`,
    expected: 'JSON data (null, boolean, finite number, string, array or plain object)',
    got: typeof value,
  })
}

async function listFiles(root: string, dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) await listFiles(root, full, out)
    else if (entry.isFile()) {
      if (!EXCLUDED_SUFFIXES.some((s) => entry.name.endsWith(s)))
        out.push(relative(root, full).split(sep).join('/'))
    } else {
      throw new InvalidParameterError({
        param: 'dir',
        expected: 'a directory of regular files (no symbolic links, sockets or devices)',
        got: relative(root, full),
      })
    }
  }
}

/** Computes the executor measurement (`mr_enclave`) of the build in `dir` and `config`; see `MEASUREMENT_DOMAIN`. */
export async function computeExecutorMeasurement({
  dir,
  config,
}: {
  dir: string
  config: unknown
}): Promise<ExecutorMeasurement> {
  const st = await lstat(dir).catch(() => undefined)
  if (!st?.isDirectory()) {
    throw new InvalidParameterError({
      param: 'dir',
      expected: 'an existing directory (the built executor)',
      got: dir,
    })
  }
  const paths: string[] = []
  await listFiles(dir, dir, paths)
  paths.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
  const configJson = canonicalJson(config)
  const h = createHash('sha256').update(MEASUREMENT_DOMAIN).update(Buffer.of(0))
  const files: MeasuredFile[] = []
  for (const path of paths) {
    const content = await readFile(join(dir, ...path.split('/')))
    const digest = createHash('sha256').update(content).digest()
    h.update('file').update(Buffer.of(0)).update(path, 'utf8').update(Buffer.of(0)).update(digest)
    files.push({ path, size: content.length, sha256: bytesToHex(digest) })
  }
  h.update('config').update(Buffer.of(0)).update(createHash('sha256').update(configJson, 'utf8').digest())
  const mrEnclave = new Uint8Array(h.digest())
  return { mrEnclave, mrEnclaveHex: bytesToHex(mrEnclave), files, configJson }
}
