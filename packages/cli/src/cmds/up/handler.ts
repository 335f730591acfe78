import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { MAINNET_NETWORK } from '@rollup-mesh/core'
import type { ExplorerServer } from '@rollup-mesh/explorer'
import { MeshCliError } from '../../errors.js'
import { launchNode } from '../../mesh/launch.js'
import { freePort, wireP2P } from '../../mesh/p2p.js'
import { MAINNET_CHAIN_ID, type PlannedNode, planMesh, writeNodeFile } from '../../mesh/plan.js'
import { registerSPNs, settlementSection } from '../../mesh/settle.js'
import { type Ready, type SpawnedNode, stopPid } from '../../mesh/spawn.js'
import { type MeshState, type NetworkState, resolveDataDir, writeState } from '../../mesh/state.js'
import { dumpMeshState, loadMeshState } from '../../mesh/stateDumpFile.js'
import { createOut } from '../../output.js'
import { currentExplorerEndpoints } from '../explorer/endpoints.js'
import { banner } from './banner.js'
import { liveState, wipe } from './data-dir.js'
import { hostsOf } from './hosts.js'
import { DEMO_VALIDATORS, type UpOptions } from './options.js'
import { supervise } from './supervise.js'

/**
 * `mesh up`: writes (or reuses) each node's config under the data dir, spawns
 * each node as its own `mesh node start` process, waits until each answers
 * RPC, writes `<data-dir>/mesh.json`, prints the banner, then supervises
 * (or, with --detach, leaves them running and exits).
 */
export async function upHandler(options: UpOptions): Promise<number> {
  const out = createOut(options.json)
  const started = performance.now()
  const dataDir = resolveDataDir(options.dataDir)
  const running = liveState(dataDir)
  if (running)
    throw new MeshCliError(`A mesh is already running in ${dataDir}.`, {
      code: 'MESH_RUNNING',
      metaMessages: [
        `- pids: ${running.networks.map((n) => `${n.name} ${n.pid}`).join(', ')}`,
        '- `mesh status` shows it, `mesh down` stops it.',
      ],
    })
  if (options.fresh) wipe(dataDir)

  const planOptions = {
    spns: options.spns,
    blockTimeMs: options.blockTime,
    port: options.port,
    workers: options.workers,
    verifyParallel: options.verifyParallel,
    commit: options.commit,
    evm: options.evm,
    verifyEvm: options.verifyEvm,
    logLevel: options.logLevel,
    mainnet: options.mainnet,
    validators: options.validators,
    defaultValidators: options.demo ? DEMO_VALIDATORS : 1,
    rpc: {
      host: options.rpcHost ?? '127.0.0.1',
      corsOrigins: options.cors,
      allowedHosts: options.rpcAllowedHosts,
      allowUnsafe: options.rpcAllowUnsafe,
      ...(options.rpcReadWorkers !== undefined ? { readWorkers: options.rpcReadWorkers } : {}),
    },
  }
  if (options.exportConfigs) {
    const dir = resolve(options.exportConfigs)
    const plan = planMesh({ ...planOptions, dataDir: dir })
    const hosts = hostsOf(plan, options.hosts)
    await wireP2P(plan, hosts)
    // Fixed RPC addresses, so each SPN's settlement section can name the main net's. Every host of the
    // mesh joins every node's Host allow-list (nodes call each other by those addresses).
    const meshHosts = [...new Set(hosts.values())]
    for (const p of plan) {
      const host = hosts.get(p.name) ?? planOptions.rpc.host
      const rpc = (p.file.config.rpc ?? {}) as { host?: string; port?: number; allowedHosts?: string[] }
      p.file.config.rpc = {
        ...rpc,
        host,
        port: rpc.port || (await freePort(host)),
        allowedHosts: [...new Set([...(rpc.allowedHosts ?? []), ...meshHosts])],
      }
    }
    const main = plan.find((p) => p.kind === 'mainnet')
    if (main) {
      const rpc = main.file.config.rpc as { host: string; port: number }
      for (const [i, p] of plan.entries())
        if (p.kind === 'spn')
          p.file.config.settlement = settlementSection({
            n: spnOrdinal(plan, i),
            mainnetRpcUrl: `http://${rpc.host}:${rpc.port}`,
            mainnetChainId: Number(main.file.config.chainId),
            intervalMs: options.settleInterval,
            previous: p.file.config.settlement,
          })
    }
    const files: string[] = []
    for (const p of plan) {
      const file = join(dir, `${p.name}.json`)
      writeNodeFile(file, { ...p.file, config: { ...p.file.config, dataDir: `./${p.name}` } })
      files.push(file)
    }
    out.line(`Wrote ${files.length} node configs:`)
    for (const f of files) out.line(`  ${f}`)
    out.line(`Run each with \`mesh node start --config <file>\` (data goes to ./<network> beside the file).`)
    out.result({ configs: files })
    return 0
  }

  mkdirSync(dataDir, { recursive: true })
  // The explorer's port is chosen before the configs are written: its origin joins every node's CORS list.
  const explorerPort = options.explorer ? (options.explorerPort ?? (await freePort('127.0.0.1'))) : undefined
  const plan = planMesh({ ...planOptions, dataDir, explorerPort })
  await wireP2P(plan)
  const resumed = plan.some((p) => p.resumed)
  if (options.loadState) {
    const loaded = loadMeshState(resolve(options.loadState))
    if (resumed)
      throw new MeshCliError(`--load-state starts new chains, but ${dataDir} holds this mesh's chains.`, {
        code: 'MESH_LOAD_STATE_RESUMED',
        metaMessages: [`- Add --fresh to start over from ${options.loadState}.`],
      })
    for (const p of plan) {
      // every validator starts from the same genesis: the main net's dump
      const alloc = loaded[p.kind === 'mainnet' ? MAINNET_NETWORK : p.name]
      if (!alloc) continue
      p.file.config.alloc = { ...(p.file.config.alloc as Record<string, unknown> | undefined), ...alloc }
    }
  }
  // Without the main net nothing settles: an SPN section left from an earlier run goes.
  if (!options.mainnet) for (const p of plan) if (p.kind === 'spn') delete p.file.config.settlement
  for (const p of plan) writeNodeFile(p.configFile, p.file)
  out.progress(
    `${resumed ? 'Resuming' : 'Starting'} ${plan.length} network(s) in ${dataDir}: ${plan.map((p) => p.name).join(', ')}`,
  )

  const spawned: SpawnedNode[] = []
  const networks: NetworkState[] = []
  const readies: Ready[] = []
  const start = async (p: PlannedNode, i: number) => {
    const launched = await launchNode(p, { detached: options.detach, started, out, spawned })
    readies[i] = launched.ready
    networks[i] = launched.network
  }

  try {
    // The main net first (every validator at once: none finalizes alone): each SPN's settlement section
    // needs its RPC URL, validator 0's.
    const mainIndex = plan.findIndex((p) => p.kind === 'mainnet')
    const main = plan[mainIndex]
    await Promise.all(plan.map((p, i) => (p.kind === 'mainnet' ? start(p, i) : undefined)))
    const mainnetRpcUrl = main ? readies[mainIndex]!.rpcUrl : undefined
    const mainnetChainId = main ? Number(main.file.config.chainId) : MAINNET_CHAIN_ID
    await Promise.all(
      plan.map(async (p, i) => {
        if (p.kind === 'mainnet') return
        if (mainnetRpcUrl) {
          p.file.config.settlement = settlementSection({
            n: spnOrdinal(plan, i),
            mainnetRpcUrl,
            mainnetChainId,
            intervalMs: options.settleInterval,
            previous: p.file.config.settlement,
          })
          writeNodeFile(p.configFile, p.file)
        }
        await start(p, i)
      }),
    )
    if (mainnetRpcUrl) {
      const spns = plan.flatMap((p, i) => {
        const registration = readies[i]?.settlement
        return p.kind === 'spn' && registration
          ? [{ network: p.name, chainId: Number(p.file.config.chainId), registration }]
          : []
      })
      const outcomes = await registerSPNs({ mainnetRpcUrl, mainnetChainId, spns })
      for (const o of outcomes) {
        if (o.staleMeasurement) {
          out.progress(
            [
              `  ! ${o.network.padEnd(8)} already registered (SPN id ${o.spnId}) for another executor build: its settlements will be refused`,
              `      registered  ${o.staleMeasurement.registered.join(', ')}`,
              `      this build  ${o.staleMeasurement.current}`,
              '      The main net accepts quotes only for the measurements an SPN registered with; start over with `mesh up --fresh`.',
            ].join('\n'),
          )
          continue
        }
        out.progress(
          `  ✓ ${o.network.padEnd(8)} ${o.registered ? `registered on the main net (SPN id ${o.spnId})` : `already registered (SPN id ${o.spnId})`}, settling`,
        )
      }
    }
  } catch (err) {
    await Promise.all(spawned.map((s) => stopPid(s.pid, 5_000)))
    throw err
  }
  const readyMs = Math.round(performance.now() - started)
  const state: MeshState = {
    version: 1,
    dataDir,
    ...(options.detach ? {} : { supervisorPid: process.pid }),
    startedAt: new Date().toISOString(),
    readyMs,
    networks,
  }
  let explorer: ExplorerServer | undefined
  if (explorerPort !== undefined) {
    state.explorer = { port: explorerPort }
    if (!options.detach)
      try {
        const { startExplorerServer } = await import('@rollup-mesh/explorer')
        explorer = await startExplorerServer({
          port: explorerPort,
          endpoints: () => currentExplorerEndpoints(dataDir, state),
        })
        state.explorer.url = explorer.url
      } catch (err) {
        out.progress(`  ! the explorer did not start: ${(err as Error).message.split('\n')[0]}`)
      }
  }
  writeState(dataDir, state)
  out.line(banner(state, { detached: options.detach, readyMs, rpc: planOptions.rpc }))
  out.result({ event: 'ready', ...state })

  if (options.demo) {
    const { runDemo } = await import('./demo.js')
    try {
      await runDemo(state, out)
    } catch (err) {
      if (options.detach) throw err
      process.stderr.write(`mesh: the demo failed: ${(err as Error).message}\nThe mesh keeps running.\n`)
    }
  }

  const dumpFile = options.dumpState ? resolve(options.dumpState) : undefined
  if (dumpFile) writeState(dataDir, { ...state, dumpState: dumpFile })
  if (options.detach) {
    for (const s of spawned) {
      s.proc.stdout?.destroy()
      s.proc.unref()
    }
    return 0
  }
  const beforeStop = dumpFile
    ? async () => {
        const dumped = await dumpMeshState(networks, dumpFile)
        out.progress(`State of ${dumped.join(', ')} written to ${dumpFile}`)
      }
    : undefined
  try {
    return await supervise(spawned, state, out, beforeStop)
  } finally {
    await explorer?.stop()
  }
}

/** SPN k's k (1-based) from its place in the plan, after however many main-net validators. */
function spnOrdinal(plan: PlannedNode[], index: number): number {
  return plan.slice(0, index + 1).filter((p) => p.kind === 'spn').length
}
