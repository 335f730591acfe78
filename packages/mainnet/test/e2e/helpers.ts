import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { type Address, type Chain, defineChain } from 'viem'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const bin = join(root, 'packages/mainnet/src/bin.ts')

export type RunningMainnet = {
  proc: ChildProcess
  pid: number
  url: string
  wsUrl: string
  multiaddrs: string[]
  validator: Address
  dataDir: string
  chain: Chain
  stderr: () => string
}

/** Starts the main-net bin as a child process (from TS source) and resolves once it prints `ready`. */
export async function startMainnet(
  config: Record<string, unknown> & { dataDir: string; chainId: number },
): Promise<RunningMainnet> {
  const cfgPath = join(config.dataDir, '..', `mainnet-${Date.now()}.json`)
  writeFileSync(cfgPath, JSON.stringify({ logLevel: 'warn', ...config }))
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'source', bin, '--config', cfgPath],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let err = ''
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
    if (err.length > 100_000) err = err.slice(-50_000)
  })
  type Ready = { rpcUrl: string; wsUrl: string; multiaddrs: string[]; validator: Address }
  const ready = await new Promise<Ready>((resolve, reject) => {
    // a loaded 2-core machine can take long to load the node from TS source; a node that never got ready is
    // killed here (the caller never receives it, so no afterAll could stop it)
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`main net did not start in 120 s:\n${err}`))
    }, 120_000)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`main net exited with ${code}:\n${err}`))
    })
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Ready & { event?: string }
        if (msg.event === 'ready') {
          clearTimeout(timer)
          resolve(msg)
        }
      } catch {
        // not our line
      }
    })
  })
  const chain = defineChain({
    id: config.chainId,
    name: 'mainnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [ready.rpcUrl], webSocket: [ready.wsUrl] } },
  })
  return {
    proc,
    pid: proc.pid!,
    url: ready.rpcUrl,
    wsUrl: ready.wsUrl,
    multiaddrs: ready.multiaddrs,
    validator: ready.validator,
    dataDir: config.dataDir,
    chain,
    stderr: () => err,
  }
}

/** Signals by pid and waits for the exit; resolves with the exit code. */
export async function stopMainnet(
  p: RunningMainnet | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number | null> {
  if (!p) return null
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return p.proc.exitCode
  const exited = new Promise<number | null>((r) => p.proc.once('exit', (code) => r(code)))
  process.kill(p.pid, signal)
  return exited
}
