import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from '@rollup-mesh/core'
import { MeshCliError, UnknownNetworkError } from '../errors.js'

/** Where `mesh up` keeps everything unless `--data-dir` says otherwise (gitignored). */
export const DEFAULT_DATA_DIR = '.mesh'
export const STATE_FILE = 'mesh.json'

export type NodeKind = 'spn' | 'mainnet'

const networkStateSchema = z.object({
  name: z.string(),
  kind: z.enum(['spn', 'mainnet']),
  chainId: z.number(),
  vms: z.array(z.string()),
  role: z.string().optional(),
  /** A main-net node: its validator's address (`mesh up --validators N` runs N of them). */
  validator: z.string().optional(),
  /** System contract addresses the node reports (the main net's registry, settlement, mailbox…). */
  contracts: z.record(z.string(), z.string()).optional(),
  rpcUrl: z.string(),
  wsUrl: z.string(),
  pid: z.number(),
  dataDir: z.string(),
  configFile: z.string(),
  logFile: z.string(),
})

const meshStateSchema = z.object({
  version: z.literal(1),
  dataDir: z.string(),
  /** The foreground `mesh up` that supervises the nodes; absent when detached. */
  supervisorPid: z.number().optional(),
  startedAt: z.string(),
  readyMs: z.number().optional(),
  /** `mesh up --dump-state FILE`: where the mesh's state is written when it stops (`mesh down` of a detached mesh too). */
  dumpState: z.string().optional(),
  /** The explorer's port (its origin is in every node's CORS list) and, while `mesh up` serves it, its URL. */
  explorer: z.object({ port: z.number(), url: z.string().optional() }).optional(),
  networks: z.array(networkStateSchema),
})

export type NetworkState = z.output<typeof networkStateSchema>
export type MeshState = z.output<typeof meshStateSchema>

export function resolveDataDir(dataDir: string | undefined): string {
  return resolve(dataDir ?? DEFAULT_DATA_DIR)
}

export function stateFile(dataDir: string): string {
  return join(dataDir, STATE_FILE)
}

export function readState(dataDir: string): MeshState | undefined {
  const path = stateFile(dataDir)
  if (!existsSync(path)) return undefined
  const parsed = meshStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success)
    throw new MeshCliError(`State file ${path} is not one \`mesh up\` wrote.`, {
      code: 'STATE_INVALID',
      metaMessages: ['- Start over with `mesh up --fresh`.'],
    })
  return parsed.data
}

/** Like `readState`, but a missing file is an error that says what to run. */
export function requireState(dataDir: string): MeshState {
  const state = readState(dataDir)
  if (!state)
    throw new MeshCliError(`No mesh in ${dataDir}.`, {
      code: 'NO_MESH',
      metaMessages: ['- Start one with `mesh up` (or pass the --data-dir it used).'],
    })
  return state
}

export function writeState(dataDir: string, state: MeshState): void {
  mkdirSync(dataDir, { recursive: true })
  const path = stateFile(dataDir)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(`${path}.tmp`, path)
}

export function findNetwork(state: MeshState | undefined, name: string): NetworkState {
  const net = state?.networks.find((n) => n.name === name)
  if (!net) throw new UnknownNetworkError(name, state?.networks.map((n) => n.name) ?? [])
  return net
}

/** Whether a process with this pid exists (signal 0 probes without sending). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A zombie (exited, not yet reaped by its parent) still answers signal 0.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}
