import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { type Chain, defineChain } from 'viem'
import { createSPNNode, type SPNConfigInput, type SPNNode } from '../../src/index.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const bin = join(root, 'packages/spn/src/bin.ts')

export type RunningSPN = {
  proc: ChildProcess
  pid: number
  url: string
  wsUrl: string
  dataDir: string
  chain: Chain
  stderr: () => string
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Starts `spn --config` as a child process (from TS source) and resolves once it prints its RPC URL. */
export async function startSPN(
  config: Record<string, unknown> & { dataDir: string; chainId: number },
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningSPN> {
  const cfgPath = join(config.dataDir, '..', `${config.chainId}-${Date.now()}.json`)
  writeFileSync(cfgPath, JSON.stringify({ logLevel: 'warn', ...config }))
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'source', bin, '--config', cfgPath],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let err = ''
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
    if (err.length > 100_000) err = err.slice(-50_000)
  })
  const ready = await new Promise<{ rpcUrl: string; wsUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`SPN did not start in 120 s:\n${err}`)), 120_000)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`SPN exited with ${code}:\n${err}`))
    })
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; rpcUrl: string; wsUrl: string }
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
    name: 'spn',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [ready.rpcUrl], webSocket: [ready.wsUrl] } },
  })
  return {
    proc,
    pid: proc.pid!,
    url: ready.rpcUrl,
    wsUrl: ready.wsUrl,
    dataDir: config.dataDir,
    chain,
    stderr: () => err,
  }
}

/** Kills by pid and waits for the exit. */
export async function killSPN(p: RunningSPN | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return
  const exited = new Promise((r) => p.proc.once('exit', r))
  process.kill(p.pid, signal)
  await exited
}

export const anvilBin = join(root, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil')

/** Starts anvil on a free port (when its binary is installed). */
export async function startAnvil(chainId: number): Promise<{ proc: ChildProcess; url: string } | undefined> {
  if (!existsSync(anvilBin)) return undefined
  const proc = spawn(anvilBin, ['--port', '0', '--chain-id', String(chainId)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new Promise((resolve) => {
    let out = ''
    const timer = setTimeout(() => resolve(undefined), 10_000)
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = out.match(/Listening on (\S+)/)
      if (m) {
        clearTimeout(timer)
        resolve({ proc, url: `http://${m[1]}` })
      }
    })
  })
}

// biome-ignore lint/suspicious/noExplicitAny: tests index freely into JSON-RPC replies
type Json = any

/** Raw JSON-RPC over fetch. */
export async function rpc(
  url: string,
  body: unknown,
  init: RequestInit = {},
): Promise<{ status: number; json: Json }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

export function call(method: string, params: unknown[] = [], id: number | string = 1) {
  return { jsonrpc: '2.0', id, method, params }
}

export type Proc = {
  proc: ChildProcess
  pid: number
  ready: Record<string, unknown>
  stderr: () => string
  /** pino `msg` of every log line so far. */
  msgs: string[]
}

/** Spawns a node bin (`--config <file>`) from TS source and resolves with its `ready` line. */
export async function spawnReady(
  bin: string,
  config: Record<string, unknown>,
  cfgPath: string,
): Promise<Proc> {
  writeFileSync(cfgPath, JSON.stringify(config))
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'source', bin, '--config', cfgPath],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let err = ''
  const msgs: string[] = []
  createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    const m = /"msg":"([^"]*)"/.exec(line)
    if (m?.[1]) msgs.push(m[1])
  })
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
    if (err.length > 200_000) err = err.slice(-100_000)
  })
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} did not start in 60 s:\n${err}`)), 60_000)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${bin} exited with ${code}:\n${err}`))
    })
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>
        if (msg.event === 'ready') {
          clearTimeout(timer)
          resolve(msg)
        }
      } catch {
        // not our line
      }
    })
  })
  return { proc, pid: proc.pid as number, ready, stderr: () => err, msgs }
}

/** Kills a spawned node by pid and waits for its exit. */
export async function kill(p: Proc | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return
  const exited = new Promise<void>((r) => p.proc.once('exit', () => r()))
  process.kill(p.pid, signal)
  await exited
}

/** Polls `f` every 200 ms until it returns a value; on timeout the error carries `context()` (a log tail). */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${context()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * An in-process SPN whose blocks the test produces itself (`node.chain.produceBlock()`): no block timer, no
 * decode threads, a silent log. `config` is the SPN config (spnId, chainId, dataDir, ...).
 */
export function createManualSPNNode(config: SPNConfigInput): SPNNode {
  return createSPNNode({
    config: { logLevel: 'silent', decodeWorkers: 0, ...config },
    producer: () => ({ start: async () => {}, stop: async () => {}, isStarted: () => true }),
  })
}
