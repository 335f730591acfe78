import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alive, ensureBuilt, killPid, lastJson, mesh } from './helpers.js'

type Row = {
  network: string
  up: boolean
  peers?: number
  settlementsAccepted?: number
  height?: number
  messagesPending?: number
  messagesDelivered?: number
}

// Adding an SPN to a running mesh (supersim users ask for adding L2s to a running L1): the new SPN is
// registered on the main net, joins the libp2p mesh and settles like the others.
describe('mesh spn add on a running mesh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-spn-add-'))
  const d = ['--data-dir', join(dir, 'data')]
  const pids = new Set<number>()

  beforeAll(async () => {
    await ensureBuilt()
  })

  afterAll(async () => {
    await mesh(['down', ...d]).catch(() => undefined)
    for (const pid of pids) killPid(pid)
    rmSync(dir, { recursive: true, force: true })
  })

  const rows = async (): Promise<Row[]> => lastJson((await mesh(['status', '--json', ...d])).stdout).networks

  it('starts spn2 next to a running spn1: registered, peered, settling, listed by status and stopped by down', async () => {
    const up = await mesh(['up', '--detach', '--json', '--spns', '1', '--block-time', '200', ...d])
    expect(up.code).toBe(0)
    for (const n of lastJson(up.stdout).networks) pids.add(n.pid)
    const add = await mesh(['spn', 'add', '--vm', 'wasm', '--json', ...d])
    expect(add.stderr).not.toMatch(/\n\s+at /)
    expect(add.code).toBe(0)
    const added = lastJson(add.stdout)
    expect(added).toMatchObject({
      event: 'added',
      spnId: '2',
      network: { name: 'spn2', chainId: 9002, role: 'WASM-heavy' },
    })
    expect(added.registrationTx).toMatch(/^0x[0-9a-f]{64}$/)
    pids.add(added.network.pid)
    const state = JSON.parse(readFileSync(join(dir, 'data', 'mesh.json'), 'utf8'))
    expect(state.networks.map((n: { name: string }) => n.name)).toEqual(['mainnet', 'spn1', 'spn2'])
    // spn1's config now lists spn2 for its next start
    const spn1 = JSON.parse(readFileSync(join(dir, 'data', 'spn1', 'node.json'), 'utf8'))
    expect(spn1.config.p2p.bootstrap).toHaveLength(2)
    const deadline = Date.now() + 60_000
    let row: Row | undefined
    for (;;) {
      row = (await rows()).find((r) => r.network === 'spn2')
      if (row?.up && (row.settlementsAccepted ?? 0) >= 1 && (row.peers ?? 0) >= 2) break
      if (Date.now() > deadline)
        throw new Error(`spn2 did not peer and settle in 60 s: ${JSON.stringify(row)}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    expect(row?.height).toBeGreaterThan(0)
    // the messages column: nothing sent to spn2 yet
    expect(row).toMatchObject({ messagesPending: 0, messagesDelivered: 0 })
    expect((await mesh(['status', ...d])).stdout).toContain('msgs pending/delivered')
    // down stops it with the rest
    const down = await mesh(['down', ...d])
    expect(down.code).toBe(0)
    expect(alive(added.network.pid)).toBe(false)
  }, 150_000)

  it('without a running mesh it is a clear error', async () => {
    const r = await mesh(['spn', 'add', '--data-dir', join(dir, 'none')])
    expect(r.code).toBe(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.stderr).toMatch(/mesh/i)
  })
})
