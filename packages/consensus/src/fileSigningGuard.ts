import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { SigningStateCorruptError } from './errors.js'
import { checkSignRequest, type SigningGuard, type SigningState } from './signingGuard.js'

/**
 * The signing guard a validator runs: its state lives in one small JSON file, replaced atomically (write
 * a temporary file, fsync it, rename it over the old one, fsync the directory) inside `authorize`, so
 * when `authorize` returns the new state survives kill -9 and power loss, and the vote may leave. A
 * missing file means a key that never signed; an unreadable one refuses to start.
 *
 * @example
 * ```ts
 * const guard = openFileSigningGuard(join(dataDir, 'signing-state.json'))
 * guard.authorize({ height, round, step: 'precommit', value }, { lockedValue: value, lockedRound: round })
 * ```
 */
export function openFileSigningGuard(path: string): SigningGuard {
  let state = readState(path)
  return {
    get state() {
      return state
    },
    authorize(request, lock) {
      if (checkSignRequest(state, request)) return
      const next: SigningState = { ...request, ...lock }
      writeAtomically(path, `${JSON.stringify(next)}\n`)
      state = next
    },
  }
}

function readState(path: string): SigningState | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new SigningStateCorruptError(path, (err as Error).message)
  }
  let s: unknown
  try {
    s = JSON.parse(text)
  } catch {
    throw new SigningStateCorruptError(path, 'not JSON')
  }
  const o = s as Record<string, unknown>
  const hashOrNull = (v: unknown) => v === null || (typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v))
  const ok =
    typeof o === 'object' &&
    o !== null &&
    Number.isSafeInteger(o.height) &&
    Number.isSafeInteger(o.round) &&
    Number.isSafeInteger(o.lockedRound) &&
    (o.step === 'propose' || o.step === 'prevote' || o.step === 'precommit') &&
    hashOrNull(o.value) &&
    hashOrNull(o.lockedValue)
  if (!ok) throw new SigningStateCorruptError(path, 'fields missing or of the wrong type')
  return o as unknown as SigningState
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`
  writeFileSync(tmp, text)
  const fd = openSync(tmp, 'r+')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  const dir = openSync(dirname(path), 'r')
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}
