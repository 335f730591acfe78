import { useEffect, useState } from 'preact/hooks'
import {
  type CommitJSON,
  type CommitRow,
  type ConsensusStatusJSON,
  commitRow,
  type ValidatorsJSON,
  validatorRows,
} from '../lib/consensusViews.js'
import { hexToNum, shortHash } from '../lib/format.js'
import { rpc } from '../lib/rpc.js'
import type { Network } from '../lib/types.js'

/** Blocks whose certificates the page lists. */
const RECENT = 10
const REFRESH_MS = 1500

type State = { status?: ConsensusStatusJSON; set?: ValidatorsJSON; commits: CommitRow[]; error?: string }

async function readConsensus(url: string): Promise<State> {
  const [status, set] = await Promise.all([
    rpc<ConsensusStatusJSON>(url, 'mesh_consensusStatus'),
    rpc<ValidatorsJSON>(url, 'mesh_getValidators', ['latest']),
  ])
  const head = hexToNum(set.number)
  const numbers = Array.from({ length: Math.min(RECENT, head) }, (_, i) => head - i)
  const commits = await Promise.all(
    numbers.map((n) => rpc<CommitJSON>(url, 'mesh_getCommit', [`0x${n.toString(16)}`])),
  )
  return {
    status,
    set,
    commits: commits.filter((c): c is NonNullable<CommitJSON> => c !== null).map((c) => commitRow(c, set)),
  }
}

/**
 * The main net's consensus, live: the height, round and step being decided (`mesh_consensusStatus`), the
 * validators with their power and BLS keys (`mesh_getValidators`), and each recent block's commit
 * certificate with its signers (`mesh_getCommit`).
 */
export function ValidatorsPage(props: { mainnet: Network }) {
  const url = props.mainnet.rpcUrl
  const [state, setState] = useState<State>({ commits: [] })
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const next = await readConsensus(url)
        if (!stopped) setState(next)
      } catch (err) {
        const e = err as { shortMessage?: string; message: string }
        if (!stopped) setState((s) => ({ ...s, error: e.shortMessage ?? e.message }))
      }
      if (!stopped) timer = setTimeout(() => void tick(), REFRESH_MS)
    }
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [url])
  const { status, set } = state
  const rows = set ? validatorRows(set, status) : []
  const name = props.mainnet.name
  return (
    <>
      <h1>Validators of {name}</h1>
      {state.error && <p class="error">{state.error}</p>}
      {status && (
        <p data-testid="consensus-status">
          deciding height <b data-testid="consensus-height">{hexToNum(status.height)}</b>, round{' '}
          <b data-testid="consensus-round">{status.round}</b>, step{' '}
          <b data-testid="consensus-step">{status.step}</b>
          {status.validator && (
            <span class="muted"> (read from validator {shortHash(status.validator, 4)})</span>
          )}
        </p>
      )}
      {set && (
        <p class="muted">
          set {shortHash(set.validatorsHash)}, next {shortHash(set.nextValidatorsHash)}, epoch{' '}
          {set.epochLength} blocks
        </p>
      )}
      <table data-testid="validators">
        <thead>
          <tr>
            <th>validator</th>
            <th>power</th>
            <th>share</th>
            <th>BLS public key</th>
            <th>signed last commit</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.address} data-validator={v.address.toLowerCase()}>
              <td class="mono">
                {v.address}
                {v.self && <span class="muted"> (this node)</span>}
              </td>
              <td>{v.power}</td>
              <td>{(v.share * 100).toFixed(1)}%</td>
              <td class="mono" title={v.blsPublicKey}>
                {shortHash(v.blsPublicKey, 8)}
              </td>
              <td>{v.signedLast ? '✓' : '-'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Commit certificates</h2>
      <table data-testid="commits">
        <thead>
          <tr>
            <th>block</th>
            <th>hash</th>
            <th>round</th>
            <th>signers</th>
            <th>power</th>
            <th>certificate</th>
          </tr>
        </thead>
        <tbody>
          {state.commits.map((c) => (
            <tr key={c.number} data-commit={c.number} class={c.quorum ? 'accepted' : 'bad'}>
              <td>
                <a href={`#/network/${name}/block/${c.number}`}>{c.number}</a>
              </td>
              <td class="mono">{shortHash(c.hash)}</td>
              <td>{c.round}</td>
              <td class="mono" data-testid="signers">
                {c.signers.map((s) => shortHash(s, 4)).join(', ')}
              </td>
              <td>
                {c.signedPower} / {c.totalPower} {c.quorum ? '(> 2/3)' : '(short of 2/3)'}
              </td>
              <td>{c.certificateBytes} bytes</td>
            </tr>
          ))}
        </tbody>
      </table>
      {set && state.commits.length === 0 && <p class="muted">No certified block yet.</p>}
    </>
  )
}
