import { DoubleSignRefusedError, type SigningGuard } from '@rollup-mesh/consensus'
import { ConsensusConfigError } from './errors.js'

/** The environment variable that arms the hook: a block height (decimal). Tests only. */
export const CRASH_AFTER_PREVOTE_ENV = 'MESH_TEST_CRASH_AFTER_PREVOTE'

/** How long after its prevote was persisted the process kills itself (so the prevote can leave). */
const PREVOTE_FLIGHT_MS = 150

/**
 * A fault-injection hook for the real-process perturbation tests (kill -9 between a prevote and a
 * precommit): when `MESH_TEST_CRASH_AFTER_PREVOTE=<height>` is set, the first prevote at that height or
 * later is persisted by `guard` as usual and the process sends itself SIGKILL `PREVOTE_FLIGHT_MS` later
 * (time for the prevote to be published); a precommit asked for before then kills the process at once,
 * before the guard persists it. So the process dies after its prevote and never signs the precommit of
 * that round. Unset (every real run), `guard` is returned unchanged.
 *
 * @example
 * ```ts
 * // MESH_TEST_CRASH_AFTER_PREVOTE=12 mesh node start --config node.json
 * const guard = withCrashTestHook(openFileSigningGuard(join(dataDir, 'consensus-guard.json')))
 * ```
 */
export function withCrashTestHook(
  guard: SigningGuard,
  env: Record<string, string | undefined> = process.env,
  die: () => void = () => process.kill(process.pid, 'SIGKILL'),
): SigningGuard {
  const armed = env[CRASH_AFTER_PREVOTE_ENV]
  if (armed === undefined || armed === '') return guard
  if (!/^\d{1,15}$/.test(armed))
    throw new ConsensusConfigError(
      `${CRASH_AFTER_PREVOTE_ENV} is "${armed}"; expected a block height (a decimal number).`,
    )
  const height = Number(armed)
  let dying = false
  return {
    get state() {
      return guard.state
    },
    authorize(request, lock) {
      if (dying && request.step === 'precommit') {
        die()
        // Only reached when `die` does not end the process (unit tests): nothing is signed.
        throw new DoubleSignRefusedError(
          `${CRASH_AFTER_PREVOTE_ENV}: the process is crashing after its prevote.`,
        )
      }
      guard.authorize(request, lock)
      if (!dying && request.step === 'prevote' && request.height >= height) {
        dying = true
        setTimeout(die, PREVOTE_FLIGHT_MS)
      }
    },
  }
}
