import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))

describe('example scripts run as the README says', () => {
  it('dev-accounts prints the ten anvil accounts', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'source', 'examples/scripts/dev-accounts.ts'],
      { cwd: root },
    )
    const lines = stdout.trim().split('\n')
    expect(lines).toHaveLength(10)
    expect(lines[0]).toBe(
      '(0) 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266  0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    )
  })
})
