/**
 * The SPN of user mode: spn1 of a default `mesh up --detach` (the built CLI, in a fresh data dir: main net
 * running, both SPNs settling, default block time, executor and log level).
 */
import { execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Target } from './target.js'
import type { UserModeOptions } from './userMode.js'
import { UserModeError } from './userModeError.js'

const log = (s: string) => process.stderr.write(`${s}\n`)
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Starts a default mesh (`mesh up --detach`) in `dir`; returns spn1 as the target and a stop function. */
export async function startMesh(
  o: UserModeOptions,
  dir: string,
): Promise<{ target: Target; stop: () => Promise<void> }> {
  const mesh = join(o.root, 'packages/cli/bin/mesh.js')
  const nodeArgs = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []
  const run = promisify(execFile)
  log('mesh up --detach (main net + 2 SPNs, defaults) ...')
  await new Promise<void>((resolve, reject) => {
    const readWorkers = o.readWorkers !== undefined ? ['--rpc-read-workers', o.readWorkers] : []
    const commit = o.commit !== undefined ? ['--commit', o.commit] : []
    const workers = o.workers !== undefined ? ['--workers', o.workers] : []
    const args = [
      ...nodeArgs,
      mesh,
      'up',
      '--detach',
      '--data-dir',
      dir,
      ...readWorkers,
      ...commit,
      ...workers,
    ]
    const p = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    p.once('error', reject)
    p.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new UserModeError(`mesh up exited with ${code} (its output is above).`)),
    )
  })
  const state = JSON.parse(readFileSync(join(dir, 'mesh.json'), 'utf8')) as {
    networks: {
      name: string
      rpcUrl: string
      wsUrl: string
      pid: number
      chainId: number
      logFile: string
    }[]
  }
  const spn1 = state.networks.find((n) => n.name === 'spn1')
  if (!spn1) throw new UserModeError(`mesh up started no spn1 (${join(dir, 'mesh.json')} lists none).`)
  return {
    target: {
      name: 'spn',
      url: spn1.rpcUrl,
      wsUrl: spn1.wsUrl,
      chainId: spn1.chainId,
      pids: [spn1.pid],
      allPids: state.networks.map((n) => n.pid),
      logFile: spn1.logFile,
    },
    stop: async () => {
      // A profiled spn1 must exit by itself to write its profile: give it longer than `mesh down` does.
      if (o.cpuProfDir) {
        process.kill(spn1.pid, 'SIGTERM')
        const end = Date.now() + 120_000
        while (Date.now() < end && isAlive(spn1.pid)) await new Promise((r) => setTimeout(r, 200))
      }
      await run(process.execPath, [mesh, 'down', '--data-dir', dir])
    },
  }
}
