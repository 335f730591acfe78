// `mesh status`: each main-net validator's consensus state (mesh_consensusStatus).
import { NodeRpcError } from '../../errors.js'
import { rpcRequest } from '../../mesh/rpc.js'
import { table } from '../../output.js'

/** What `mesh_consensusStatus` answers (the seam with the node). */
type ConsensusStatusJSON = {
  height: string
  round: number
  step: string
  validator: string | null
  lastCommit: { number: string; round: number; signers: string[] } | null
}

/** One validator's row: its consensus state, or `single-key` for a node without the method. */
export type ValidatorStatus =
  | {
      network: string
      mode: 'bft'
      validator: string | null
      height: number
      round: number
      step: string
      lastCommit: { number: number; round: number; signers: string[] } | null
    }
  | { network: string; mode: 'single-key' }
  | { network: string; mode: 'down'; error: string }

/** The node answered -32601: it has no such method (a node before BFT). */
function isMethodNotFound(err: unknown): boolean {
  return err instanceof NodeRpcError && err.details === 'JSON-RPC error code -32601'
}

/**
 * Asks a main-net node for its consensus state; a node that does not serve `mesh_consensusStatus` is a
 * single-key main net (it is not an error), one that does not answer is `down`.
 *
 * @example
 * ```ts
 * const s = await consensusStatusOf({ name: 'mainnet', rpcUrl: 'http://127.0.0.1:8545' })
 * if (s.mode === 'bft') console.log(s.height, s.round, s.lastCommit?.signers)
 * ```
 */
export async function consensusStatusOf(n: { name: string; rpcUrl: string }): Promise<ValidatorStatus> {
  try {
    const s = await rpcRequest<ConsensusStatusJSON>(
      { network: n.name, rpcUrl: n.rpcUrl },
      'mesh_consensusStatus',
      [],
      2_000,
    )
    return {
      network: n.name,
      mode: 'bft',
      validator: s.validator,
      height: Number(s.height),
      round: s.round,
      step: s.step,
      lastCommit: s.lastCommit
        ? { number: Number(s.lastCommit.number), round: s.lastCommit.round, signers: s.lastCommit.signers }
        : null,
    }
  } catch (err) {
    if (isMethodNotFound(err)) return { network: n.name, mode: 'single-key' }
    return { network: n.name, mode: 'down', error: (err as Error).message.split('\n')[0] ?? 'no answer' }
  }
}

const short = (a: string) => `${a.slice(0, 8)}…${a.slice(-4)}`

/** The validators table of `mesh status` (or one line for a single-key main net). */
export function consensusLines(rows: readonly ValidatorStatus[]): string[] {
  if (rows.length === 0) return []
  if (rows.every((r) => r.mode === 'single-key'))
    return ['', 'Main net: single-key main net (one validator; no mesh_consensusStatus)']
  return [
    '',
    'Main-net validators',
    table(
      ['network', 'validator', 'height', 'round', 'step', 'last commit', 'signers'],
      rows.map((r) =>
        r.mode === 'bft'
          ? [
              r.network,
              r.validator ? short(r.validator) : '-',
              String(r.height),
              String(r.round),
              r.step,
              r.lastCommit ? `#${r.lastCommit.number} (round ${r.lastCommit.round})` : '-',
              r.lastCommit
                ? `${r.lastCommit.signers.length}: ${r.lastCommit.signers.map(short).join(', ')}`
                : '-',
            ]
          : [
              r.network,
              '-',
              '-',
              '-',
              r.mode === 'single-key' ? 'single-key main net' : `down (${r.error})`,
              '-',
              '-',
            ],
      ),
    ),
  ]
}
