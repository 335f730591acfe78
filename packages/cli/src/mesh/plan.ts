import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { MAINNET_NETWORK, parseConfig, spnNetworkName, z } from '@rollup-mesh/core'
import { MeshCliError } from '../errors.js'
import type { NodeKind } from './state.js'
import { localValidators } from './validatorKeys.js'

/** Chain ids: the main net is 900 (its package's default), SPN n is 9000 + n. */
export const MAINNET_CHAIN_ID = 900
export const spnChainId = (n: number): number => 9000 + n

/**
 * One node's file, what `mesh node start --config` reads and `mesh up`
 * writes per network: the kind, the network name and the node's own config
 * (the SPN's `spnConfigSchema` input, or the main net's). A relative
 * `config.dataDir` is resolved against the file's directory.
 */
export const nodeFileSchema = z.object({
  kind: z.enum(['spn', 'mainnet']),
  network: z.string().min(1).max(64),
  vms: z.array(z.enum(['evm', 'wasm'])).default(['evm', 'wasm']),
  role: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
})
export type NodeFile = z.output<typeof nodeFileSchema>

export function readNodeFile(path: string): NodeFile {
  const abs = resolve(path)
  if (!existsSync(abs))
    throw new MeshCliError(`Node config ${abs} does not exist.`, {
      code: 'FILE_NOT_FOUND',
      metaMessages: ['- `mesh up --export-configs DIR` writes one per network.'],
    })
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(abs, 'utf8'))
  } catch (err) {
    throw new MeshCliError(`Node config ${abs} is not valid JSON.`, {
      code: 'NODE_CONFIG_INVALID',
      metaMessages: ['- Write it again with `mesh up --export-configs <dir>`.'],
      details: (err as Error).message,
    })
  }
  const file = parseConfig(nodeFileSchema, raw, `node config ${abs}`)
  const dataDir = typeof file.config.dataDir === 'string' ? file.config.dataDir : '.'
  file.config.dataDir = isAbsolute(dataDir) ? dataDir : resolve(dirname(abs), dataDir)
  return file
}

export type PlanOptions = {
  dataDir: string
  spns: number
  blockTimeMs?: number | undefined
  /** First RPC port (network i gets port + i); 0 = any free port. */
  port?: number | undefined
  workers?: number | undefined
  /** With workers: every SPN also executes each block serially and refuses a block whose results differ. */
  verifyParallel?: boolean | undefined
  /** Where every SPN's sealed blocks commit (`writer` thread or `inline`; the SPN config's `commit`). */
  commit?: 'writer' | 'inline' | undefined
  /** Every node's EVM engine (`fast` or `ethereumjs`; the main net's too). */
  evm?: 'fast' | 'ethereumjs' | undefined
  /** Every node's `verifyEvm` fraction (transactions also run on ethereumjs and compared). */
  verifyEvm?: number | undefined
  logLevel?: string | undefined
  /** Run the main net too (network `mainnet`, listed first). */
  mainnet?: boolean | undefined
  /**
   * Main-net validator processes (1–16, default 1). Validator 0 is network `mainnet`, validator i
   * `mainnet-v<i>`; with more than one, each config carries the shared `consensus` section.
   */
  validators?: number | undefined
  /**
   * The count when `validators` is not given and the data dir holds no main net yet (`mesh up --demo`: 4);
   * a resumed main net keeps its own count. Default 1.
   */
  defaultValidators?: number | undefined
  /**
   * Every node's RPC exposure (bind address, browser origins, extra Host names, unsafe methods on a
   * non-loopback bind). Unlike the other run-time fields these are not kept from an earlier run: what
   * this run says (or the safe defaults) is what every node gets, so a node never stays exposed unnoticed.
   * A mesh that also serves a web page (the explorer) adds that page's origin to `corsOrigins`.
   */
  rpc?: MeshRPCExposure | undefined
  /** The explorer's port: its origins (`explorerOrigins`) join every node's `rpc.corsOrigins`. */
  explorerPort?: number | undefined
}

/** The origins a browser gives the explorer served on 127.0.0.1:`port` (both loopback names). */
export function explorerOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
}

/** The RPC exposure `mesh up` gives every node (`rpc` of each node config). */
export type MeshRPCExposure = {
  host: string
  corsOrigins: string[]
  allowedHosts: string[]
  allowUnsafe: boolean
  /** Read-only RPC worker threads per node (absent: the node's default). */
  readWorkers?: number | undefined
}

export type PlannedNode = {
  name: string
  kind: NodeKind
  /** `<dataDir>/<name>/node.json`. */
  configFile: string
  nodeDir: string
  logFile: string
  file: NodeFile
  /** Whether node.json already existed (the chain resumes). */
  resumed: boolean
}

const ROLES = ['EVM-heavy', 'WASM-heavy']

/**
 * The networks of a mesh and each node's file. An existing `node.json` is
 * kept (so the genesis and the chain resume); only run-time fields (block
 * time, port, workers) given this time are updated. The main net joins the
 * plan here once its node is available.
 */
export function planMesh(options: PlanOptions): PlannedNode[] {
  const nodes: PlannedNode[] = []
  const genesisTimestamp = Math.floor(Date.now() / 1000)
  const runtime = (config: Record<string, unknown>, index: number) => {
    if (options.blockTimeMs !== undefined) config.blockTimeMs = options.blockTimeMs
    if (options.evm !== undefined) config.evm = options.evm
    if (options.verifyEvm !== undefined) config.verifyEvm = options.verifyEvm
    if (options.rpc) {
      // a run without --rpc-read-workers goes back to the node's default, as the other flags do
      const {
        corsOrigin: _old,
        readWorkers: _readWorkers,
        ...rpc
      } = (config.rpc as Record<string, unknown> | undefined) ?? {}
      config.rpc = { ...rpc, ...options.rpc }
      const cors = options.rpc.corsOrigins
      if (options.explorerPort && !cors.includes('*'))
        config.rpc = {
          ...(config.rpc as object),
          corsOrigins: [...new Set([...cors, ...explorerOrigins(options.explorerPort)])],
        }
    }
    if (options.port !== undefined)
      config.rpc = {
        ...((config.rpc as object | undefined) ?? {}),
        port: options.port === 0 ? 0 : options.port + index,
      }
  }
  if (options.mainnet) {
    const count =
      options.validators ?? resumedValidatorCount(options.dataDir) ?? options.defaultValidators ?? 1
    const validators = count > 1 ? localValidators(count) : []
    for (let v = 0; v < count; v++) {
      const name = validatorNetworkName(v)
      const nodeDir = join(options.dataDir, name)
      const configFile = join(nodeDir, 'node.json')
      const resumed = existsSync(configFile)
      const file: NodeFile = resumed
        ? parseConfig(nodeFileSchema, JSON.parse(readFileSync(configFile, 'utf8')), configFile)
        : {
            kind: 'mainnet',
            network: name,
            vms: ['evm'],
            role: count > 1 ? `validator ${v}` : 'coordination',
            config: {
              chainId: MAINNET_CHAIN_ID,
              dataDir: '.',
              genesisTimestamp,
              logLevel: options.logLevel ?? 'info',
              ...(count > 1 ? validatorConfig(validators, v) : {}),
            },
          }
      if (resumed) checkValidatorCount(file, count, configFile)
      runtime(file.config, options.spns + v)
      nodes.push({
        name,
        kind: 'mainnet',
        configFile,
        nodeDir,
        logFile: join(nodeDir, 'node.log'),
        file,
        resumed,
      })
    }
  }
  for (let i = 1; i <= options.spns; i++) {
    const name = spnNetworkName(i)
    const nodeDir = join(options.dataDir, name)
    const configFile = join(nodeDir, 'node.json')
    let file: NodeFile
    let resumed = false
    if (existsSync(configFile)) {
      file = parseConfig(nodeFileSchema, JSON.parse(readFileSync(configFile, 'utf8')), configFile)
      resumed = true
    } else {
      file = {
        kind: 'spn',
        network: name,
        vms: ['evm', 'wasm'],
        ...(ROLES[i - 1] ? { role: ROLES[i - 1] } : {}),
        config: {
          spnId: name,
          chainId: spnChainId(i),
          dataDir: '.',
          genesisTimestamp,
          logLevel: options.logLevel ?? 'info',
        },
      }
    }
    const config = file.config
    runtime(config, i - 1)
    if (options.workers !== undefined) {
      // W > 0: dual-vm's optimistic parallel executor with W worker threads; 0: the serial executor.
      config.executor = options.workers > 0 ? 'parallel' : 'serial'
      if (options.workers > 0) config.executorWorkers = options.workers
      else delete config.executorWorkers
    }
    if (options.verifyParallel !== undefined) config.verifyParallel = options.verifyParallel
    if (options.commit !== undefined) config.commit = options.commit
    nodes.push({ name, kind: 'spn', configFile, nodeDir, logFile: join(nodeDir, 'node.log'), file, resumed })
  }
  return nodes
}

/** Network name of main-net validator `i`: `mainnet` for validator 0 (what SPNs and commands use), `mainnet-v<i>` after. */
export function validatorNetworkName(i: number): string {
  return i === 0 ? MAINNET_NETWORK : `${MAINNET_NETWORK}-v${i}`
}

/**
 * Validator `v`'s own config fields in a main net of several: its secp256k1 key (dev account v), one
 * governance for all (dev account 0, so every validator builds the same genesis), and the shared
 * `consensus` section (every validator's genesis entry, this one's BLS seed).
 */
function validatorConfig(validators: ReturnType<typeof localValidators>, v: number): Record<string, unknown> {
  const self = validators[v]!
  return {
    validatorKey: self.key,
    governance: validators[0]!.entry.address,
    consensus: { validators: validators.map((x) => x.entry), blsSeed: self.blsSeed },
  }
}

/** How many validators the main net in `dataDir` was created with; undefined when there is none yet. */
function resumedValidatorCount(dataDir: string): number | undefined {
  const configFile = join(dataDir, validatorNetworkName(0), 'node.json')
  if (!existsSync(configFile)) return undefined
  const file = parseConfig(nodeFileSchema, JSON.parse(readFileSync(configFile, 'utf8')), configFile)
  return (file.config.consensus as { validators?: unknown[] } | undefined)?.validators?.length ?? 1
}

/** A resumed main net keeps its validator set: another count needs a fresh one (a new genesis). */
function checkValidatorCount(file: NodeFile, count: number, configFile: string): void {
  const consensus = file.config.consensus as { validators?: unknown[] } | undefined
  const had = consensus?.validators?.length ?? 1
  if (had !== count)
    throw new MeshCliError(`This mesh's main net has ${had} validator(s); --validators asks for ${count}.`, {
      code: 'MESH_VALIDATORS_CHANGED',
      metaMessages: [
        `- ${configFile} fixes the genesis validator set.`,
        `- Start over with \`mesh up --fresh --validators ${count}\`, or keep --validators ${had}.`,
      ],
    })
}

export function writeNodeFile(path: string, file: NodeFile): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`)
}
