import { MeshCliError } from '../../errors.js'
import { launchNode } from '../../mesh/launch.js'
import { wireP2P } from '../../mesh/p2p.js'
import { planMesh, writeNodeFile } from '../../mesh/plan.js'
import { registerSPNs, settlementSection } from '../../mesh/settle.js'
import { type SpawnedNode, stopPid } from '../../mesh/spawn.js'
import { isAlive, requireState, resolveDataDir, writeState } from '../../mesh/state.js'
import { createOut } from '../../output.js'
import type { SpnAddOptions } from './options.js'

/**
 * `mesh spn add`: adds an SPN to a running mesh. It plans the next SPN (spnN, chain id 9000 + N) beside the
 * others, wires it into the libp2p mesh (it bootstraps to every node; the others' configs list it for their
 * next start), starts it detached, registers it on the main net's SPNRegistry from governance and records
 * it in mesh.json, so `status`, `down` and the other commands see it. It then settles and delivers like
 * the SPNs `mesh up` started.
 */
export async function spnAddHandler(options: SpnAddOptions): Promise<number> {
  const out = createOut(options.json)
  const started = performance.now()
  const dataDir = resolveDataDir(options.dataDir)
  const state = requireState(dataDir)
  const main = state.networks.find((n) => n.kind === 'mainnet')
  if (!main || !isAlive(main.pid))
    throw new MeshCliError('`mesh spn add` needs the mesh’s main net running.', {
      code: 'MAINNET_NOT_RUNNING',
      metaMessages: ['- Start the mesh with `mesh up` (with its main net) first.'],
    })
  const spns = state.networks.filter((n) => n.kind === 'spn').length
  const plan = planMesh({
    dataDir,
    spns: spns + 1,
    mainnet: true,
    ...(options.blockTime !== undefined ? { blockTimeMs: options.blockTime } : {}),
  })
  const added = plan.at(-1)
  if (added?.kind !== 'spn' || added.resumed)
    throw new MeshCliError(`The data dir already holds spn${spns + 1} without mesh.json listing it.`, {
      code: 'SPN_EXISTS',
      metaMessages: ['- Start the mesh again with `mesh up --spns N` to include it.'],
    })
  if (options.vm) added.file.role = options.vm === 'evm' ? 'EVM-heavy' : 'WASM-heavy'
  // the RPC exposure of the mesh's other SPNs (bind address, CORS origins with the explorer's, Host names)
  const { port: _port, ...exposure } = (plan.find((p) => p.kind === 'spn' && p !== added)?.file.config.rpc ??
    {}) as Record<string, unknown>
  added.file.config.rpc = { ...exposure, ...((added.file.config.rpc as object | undefined) ?? {}) }
  await wireP2P(plan)
  added.file.config.settlement = settlementSection({
    n: spns + 1,
    mainnetRpcUrl: main.rpcUrl,
    mainnetChainId: main.chainId,
    intervalMs: options.settleInterval,
  })
  // The new node's file, and the others' bootstrap lists for their next start (running nodes are dialled).
  for (const p of plan) writeNodeFile(p.configFile, p.file)
  out.progress(`Adding ${added.name} (chain id ${added.file.config.chainId}) to the mesh in ${dataDir}`)
  const spawned: SpawnedNode[] = []
  try {
    const { ready, network } = await launchNode(added, { detached: true, started, out, spawned })
    if (!ready.settlement)
      throw new MeshCliError(`${added.name} started without its settlement service.`, {
        code: 'NO_SETTLEMENT',
      })
    const [outcome] = await registerSPNs({
      mainnetRpcUrl: main.rpcUrl,
      mainnetChainId: main.chainId,
      spns: [{ network: added.name, chainId: network.chainId, registration: ready.settlement }],
    })
    out.progress(
      `  ✓ ${added.name.padEnd(8)} registered on the main net (SPN id ${outcome?.spnId}${outcome?.txHash ? `, tx ${outcome.txHash}` : ''}), settling`,
    )
    writeState(dataDir, { ...state, networks: [...state.networks, network] })
    for (const s of spawned) {
      s.proc.stdout?.destroy()
      s.proc.unref()
    }
    out.line(`${added.name}  chain id ${network.chainId}  RPC ${network.rpcUrl}  WS ${network.wsUrl}`)
    out.line(
      `  VMs ${network.vms.join(' + ')}, log ${network.logFile}; \`mesh down\` stops it with the rest.`,
    )
    out.result({ event: 'added', network, spnId: outcome?.spnId, registrationTx: outcome?.txHash })
    return 0
  } catch (err) {
    await Promise.all(spawned.map((s) => stopPid(s.pid, 5_000)))
    throw err
  }
}
