import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeCommitCertificate, verifyCommitCertificate } from '@rollup-mesh/consensus'
import { type GenesisValidatorConfig, validatorSetOfConfig } from '@rollup-mesh/mainnet'
import { type Hex, hexToBytes } from 'viem'
import { alive, killPid, type MeshRun, mesh, meshArgs } from './helpers.js'
import { poll, sleep, spawnReady } from './readyProcess.js'

/** One main-net validator process of a `mesh up --validators N --detach` mesh, restartable on its data dir. */
export type ValidatorProc = {
  name: string
  index: number
  configFile: string
  logFile: string
  dataDir: string
  rpcUrl: string
  pid: number
  /** The process when this test (re)started it; absent for the one `mesh up` spawned. */
  proc?: ChildProcess
}

export type Cluster = {
  /** The `mesh up --detach` run that started the cluster (its banner on stdout, its duration). */
  up: MeshRun
  validators: ValidatorProc[]
  /** Every pid the mesh or the test started (validators and SPNs), for cleanup. */
  pids: Set<number>
  chainId: number
  /** Verifies a certificate offline against the genesis set: the signing power, or throws. */
  verify(height: number, hash: Hex, certificate: Hex): number
}

/** Sleep and poll: the one copy the soak shares (readyProcess.ts). */
export { poll, sleep }

export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await res.json()) as { result?: T; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result as T
}

export const headOf = async (v: ValidatorProc): Promise<number> =>
  Number(await rpc<Hex>(v.rpcUrl, 'eth_blockNumber'))

export const hashAt = async (v: ValidatorProc, n: number): Promise<Hex | undefined> =>
  (await rpc<{ hash: Hex } | null>(v.rpcUrl, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]))?.hash

/**
 * `mesh up --detach --validators n --spns 1` in `dataDir`; the validators as restartable processes. Every
 * pid the mesh started is added to `pids` as soon as it is known (the caller kills them, also on failure).
 */
export async function upCluster(
  dataDir: string,
  n: number,
  pids: Set<number>,
  blockTimeMs = 500,
): Promise<Cluster> {
  const r = await mesh(
    [
      'up',
      '--detach',
      '--validators',
      String(n),
      '--spns',
      '1',
      '--block-time',
      String(blockTimeMs),
      '--data-dir',
      dataDir,
    ],
    { timeoutMs: 240_000 },
  )
  let state: { networks: (ValidatorProc & { kind: string })[] } = { networks: [] }
  try {
    state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8'))
  } catch {
    // mesh up failed before writing its state
  }
  for (const x of state.networks) pids.add(x.pid)
  if (r.code !== 0) {
    throw new Error(`mesh up --validators ${n} failed (${r.code}):\n${r.stderr.slice(-3000)}`)
  }
  const validators = state.networks
    .filter((x) => x.kind === 'mainnet')
    .map((x, index) => ({
      name: x.name,
      index,
      configFile: x.configFile,
      logFile: x.logFile,
      dataDir: x.dataDir,
      rpcUrl: x.rpcUrl,
      pid: x.pid,
    }))
  // node.json: { kind, network, vms, role, config: <the node's config> }
  const { config } = JSON.parse(readFileSync((validators[0] as ValidatorProc).configFile, 'utf8')) as {
    config: { chainId: number; consensus: { validators: GenesisValidatorConfig[] } }
  }
  const set = validatorSetOfConfig(config.consensus.validators)
  return {
    up: r,
    validators,
    pids,
    chainId: config.chainId,
    verify: (height, blockHash, certificate) =>
      verifyCommitCertificate(decodeCommitCertificate(hexToBytes(certificate)), set, {
        chainId: config.chainId,
        height,
        blockHash,
      }),
  }
}

/** kill -9 by pid, and wait until it is gone. */
export async function kill9(v: ValidatorProc): Promise<void> {
  killPid(v.pid)
  await poll(`${v.name} (pid ${v.pid}) to die`, async () => !alive(v.pid), 30_000)
}

/**
 * Starts `mesh node start --config <its node.json> --json` for `v` (its data dir, as `mesh up` did), with
 * `env` added, log appended to its log file; resolves at its ready line (rpcUrl and pid updated).
 */
export async function restart(
  cluster: Cluster,
  v: ValidatorProc,
  env: Record<string, string> = {},
): Promise<void> {
  const started = spawnReady(
    process.execPath,
    [...meshArgs, 'node', 'start', '--config', v.configFile, '--json'],
    { logFile: v.logFile, env, timeoutMs: 120_000 },
  )
  v.proc = started.proc
  v.pid = started.pid
  cluster.pids.add(v.pid)
  const ready = await started.ready
  v.rpcUrl = ready.rpcUrl as string
}

/** The heads of `vs` (in order). */
export const heads = (vs: readonly ValidatorProc[]): Promise<number[]> => Promise.all(vs.map(headOf))

/** Waits until every one of `vs` is at `height` or above. */
export async function allReach(
  vs: readonly ValidatorProc[],
  height: number,
  timeoutMs: number,
): Promise<void> {
  await poll(
    `${vs.map((v) => v.name).join(', ')} to reach height ${height}`,
    async () => (await heads(vs)).every((h) => h >= height),
    timeoutMs,
  )
}

/**
 * Checks blocks 1..`upto` on every one of `vs`: one hash per height, and a certificate served by each that
 * verifies offline with more than 2/3 of the power. Returns the number of certificates checked.
 */
export async function checkAgreement(
  cluster: Cluster,
  vs: readonly ValidatorProc[],
  upto: number,
): Promise<number> {
  let checked = 0
  for (let b = 1; b <= upto; b++) {
    const hashes = new Set<Hex | undefined>()
    for (const v of vs) {
      const c = await rpc<{ hash: Hex; certificate: Hex } | null>(v.rpcUrl, 'mesh_getCommit', [
        `0x${b.toString(16)}`,
      ])
      if (!c) throw new Error(`${v.name} serves no commit for block ${b}`)
      hashes.add(c.hash)
      cluster.verify(b, c.hash, c.certificate)
      checked++
    }
    if (hashes.size !== 1) throw new Error(`block ${b} has ${hashes.size} hashes: ${[...hashes].join(', ')}`)
  }
  return checked
}
