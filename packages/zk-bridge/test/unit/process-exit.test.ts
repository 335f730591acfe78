import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const pkg = join(import.meta.dirname, '..', '..')
let child: ChildProcess | undefined

afterEach(() => {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null)
    process.kill(child.pid, 'SIGKILL')
  child = undefined
})

describe('curve worker threads', () => {
  it('do not keep a process that proved alive', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'source', 'test/fixtures/prove-once.ts'],
      {
        cwd: pkg,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d
    })
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d
    })
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      const timer = setTimeout(() => resolve('still running'), 80_000)
      child?.on('exit', (c) => {
        clearTimeout(timer)
        resolve(c)
      })
    })
    expect(code, stderr).toBe(0)
    expect(JSON.parse(stdout.trim())).toMatchObject({ ok: true })
  }, 90_000)
})
