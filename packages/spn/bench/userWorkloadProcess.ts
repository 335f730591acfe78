/**
 * One target's user-mode run in a client process of its own: `node --import tsx userWorkloadProcess.ts
 * '<json>'` with `{ options, target, token, keys, root }` runs `runUserWorkload` and prints
 * `{"row":{…}}` as its last line (progress and errors go to stderr). `userMode.ts` starts one per target,
 * so ours and anvil meet the same fresh client: run in one process, the target measured first paid for
 * the client's cold JIT and young heap (its client spent 10.4–10.8 CPU s on 10k transfers against the
 * second one's 8.4–9.3, whichever target went first).
 */
import '@rollup-mesh/core/polyfill'
import type { Hex } from 'viem'
import type { Target } from './target.js'
import { loadUserToken, type TokenKind } from './userToken.js'
import { runUserWorkload, type UserWorkloadOptions } from './userWorkload.js'

/** What the parent sends. */
export type UserWorkloadJob = {
  options: UserWorkloadOptions
  target: Target
  token: TokenKind
  keys: Hex[]
  root: string
}

const job = JSON.parse(process.argv[2] ?? '{}') as UserWorkloadJob
const token = await loadUserToken(job.root, job.token)
const { row } = await runUserWorkload(job.options, job.target, token, job.keys)
process.stdout.write(`${JSON.stringify({ row })}\n`)
