import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alive, mesh, meshUp, missingPrerequisite, nodePids, until } from './mesh.js'

// The explorer in a real headless Chromium against a real 2-SPN mesh started by `mesh up` (which serves it).
const CHROMIUM = '/usr/bin/chromium'
const skip = missingPrerequisite(CHROMIUM)
if (skip) console.warn(`explorer browser suite skipped: ${skip}`)

describe.skipIf(skip !== undefined)('the explorer in Chromium against a 2-SPN mesh', () => {
  // one mesh for every test; the screenshots stay in <tmp>/mesh-explorer-*/screenshots (path printed)
  const dir = mkdtempSync(join(tmpdir(), 'mesh-explorer-'))
  const dataDir = join(dir, 'data')
  const artifacts = join(dir, 'screenshots')
  let up: ReturnType<typeof meshUp> | undefined
  let browser: Browser | undefined
  let page: Page
  let url = ''
  let bridgeTx = ''
  let bridgeBlock = 0
  /** `<srcSpn>:<position>` of the bridged message (positions start at the open settlement batch, not 0). */
  let messageKey = ''

  /** `mesh bridge --no-wait`, sent as soon as the mesh is ready; the tests that need it await it. */
  let bridged: Promise<void> = Promise.resolve()
  const timings: string[] = []
  const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    console.log(`explorer browser suite: screenshots in ${artifacts}`)
    const t0 = Date.now()
    // the least the suite needs: main net + 2 SPNs, serial executors, no demo; settling every second.
    // Chromium starts while the nodes do.
    up = meshUp(['--data-dir', dataDir, '--settle-interval', '1000', '--json'])
    const launched = chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }).then((b) => {
      timings.push(`chromium ${since(t0)}`)
      return b
    })
    const ready = await until(
      () => {
        if (up?.proc.exitCode !== null) throw new Error(`mesh up exited early:\n${up?.output()}`)
        const line = up
          .output()
          .split('\n')
          .find((l) => l.includes('"event":"ready"'))
        return line ? (JSON.parse(line) as { explorer?: { url?: string } }) : undefined
      },
      120_000,
      'mesh up to be ready',
    ).catch(async (err: Error) => {
      await (await launched.catch(() => undefined))?.close()
      throw err
    })
    timings.push(`mesh up ready ${since(t0)}`)
    url = ready.explorer?.url ?? ''
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    // Sent now, so that it settles while the first pages are checked (proving dominates the suite's time).
    bridged = mesh([
      'bridge',
      '--from',
      'spn1',
      '--to',
      'spn2',
      '--value',
      '1ether',
      '--no-wait',
      '--json',
      '--data-dir',
      dataDir,
    ]).then((r) => {
      timings.push(`bridge sent ${since(t0)}`)
      expect(r.code, r.stderr).toBe(0)
      const sent = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        txHash: string
        position: number
        block: string
      }
      bridgeTx = sent.txHash
      bridgeBlock = Number(sent.block)
      messageKey = `1:${sent.position}`
      expect(bridgeTx).toMatch(/^0x[0-9a-f]{64}$/)
    })
    bridged.catch(() => undefined) // awaited (and so reported) by the tests that need it
    browser = await launched
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('pageerror', (err) => console.warn(`page error: ${err.message}`))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    const pids = nodePids(dataDir)
    if (up?.proc.pid && alive(up.proc.pid)) {
      up.proc.kill('SIGTERM')
      await until(() => (up?.proc.exitCode !== null ? true : undefined), 30_000, 'mesh up to stop').catch(
        () => undefined,
      )
    }
    for (const pid of [up?.proc.pid, ...pids])
      if (pid && alive(pid))
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
    rmSync(dataDir, { recursive: true, force: true })
    console.log(`explorer browser suite: ${timings.join(', ')}; screenshots in ${artifacts}`)
  }, 60_000)

  const height = async (network: string) => {
    const text = await page.locator(`[data-testid="height-${network}"]`).textContent()
    return /^\d+$/.test(text?.trim() ?? '') ? Number(text) : undefined
  }

  it('the overview shows the main net and both SPNs with rising heights', async () => {
    const navigated = Date.now()
    await page.goto(url)
    const first = await until(
      async () => {
        const h = [await height('spn1'), await height('spn2'), await height('mainnet')]
        return h.every((v) => v !== undefined) ? (h as number[]) : undefined
      },
      30_000,
      'every height on the overview',
    )
    console.log(
      `explorer: overview showed every network's height ${Date.now() - navigated} ms after navigation`,
    )
    await until(
      async () =>
        (await height('spn1'))! > first[0]! && (await height('spn2'))! > first[1]! ? true : undefined,
      30_000,
      'both SPN heights to rise',
    )
    const rows = await page.locator('[data-testid="networks"] tbody tr').allTextContents()
    expect(rows.join('\n')).toMatch(/spn1.*9001.*EVM \+ WASM/)
    expect(rows.join('\n')).toMatch(/spn2.*9002.*EVM \+ WASM/)
    // the chart is a lazy chunk: it may arrive after the table
    await page.locator('[data-testid="tps-chart"] canvas').waitFor({ timeout: 30_000 })
    expect(await page.locator('[data-testid="tps-chart"] canvas').count()).toBe(1)
    expect(await page.locator('[data-testid="topology"] .node').count()).toBe(3)
    await page.screenshot({ path: join(artifacts, 'overview.png'), fullPage: true })
  }, 90_000)

  it("the validators page: the main net's validator, its BLS key, the consensus step and each block's certificate", async () => {
    await page.goto(`${url}#/validators`)
    const heightOf = async () =>
      Number((await page.locator('[data-testid="consensus-height"]').textContent({ timeout: 1000 })) ?? 'x')
    const first = await until(
      async () => {
        const h = await heightOf().catch(() => Number.NaN)
        return Number.isInteger(h) && h > 0 ? h : undefined
      },
      30_000,
      'the consensus height',
    )
    const validators = page.locator('[data-testid="validators"] tbody tr')
    expect(await validators.count()).toBe(1)
    expect(await validators.first().textContent()).toMatch(/0x[0-9a-fA-F]{40}.*1.*100\.0%.*0x[0-9a-f]{8}/)
    const commits = page.locator('[data-testid="commits"] tbody tr.accepted')
    await until(async () => ((await commits.count()) > 0 ? true : undefined), 20_000, 'certified blocks')
    expect(await commits.first().textContent()).toContain('1 / 1 (> 2/3)')
    await until(async () => ((await heightOf()) > first ? true : undefined), 30_000, 'the height to rise')
    await page.screenshot({ path: join(artifacts, 'validators.png'), fullPage: true })
  }, 90_000)

  it('an SPN added by `mesh spn add` while the page is open appears on it, without a reload', async () => {
    // after the bridge is sent (two CLI processes and a starting node at once slow both on a loaded
    // machine), while its settlement is proven
    await bridged
    const t0 = Date.now()
    await page.goto(`${url}#/`)
    await until(async () => ((await height('spn2')) !== undefined ? true : undefined), 30_000, 'the overview')
    // a mark in this document: a reload would lose it
    await page.evaluate(() => {
      ;(window as unknown as { __sameDocument: boolean }).__sameDocument = true
    })
    const added = await mesh(['spn', 'add', '--json', '--data-dir', dataDir], 180_000)
    expect(added.code, added.stderr).toBe(0)
    const first = await until(() => height('spn3'), 60_000, 'spn3 on the overview')
    await until(
      async () => ((await height('spn3'))! > first ? true : undefined),
      30_000,
      "spn3's height to rise",
    )
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true)
    const rows = await page.locator('[data-testid="networks"] tbody tr').allTextContents()
    expect(rows.join('\n')).toMatch(/spn3.*9003/)
    expect(await page.locator('[data-testid="topology"] .node').count()).toBe(4)
    expect(await page.locator('nav a', { hasText: 'spn3' }).count()).toBe(1)
    timings.push(`spn add → shown and rising ${since(t0)}`)
    await page.screenshot({ path: join(artifacts, 'spn-added.png'), fullPage: true })
    // spn3 has been shown; stopped now so that it does not compete with the proving the next tests wait on
    const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
      networks: { name: string; pid: number }[]
    }
    const spn3 = state.networks.find((n) => n.name === 'spn3')?.pid
    if (spn3 && alive(spn3)) {
      process.kill(spn3, 'SIGTERM')
      await until(() => (alive(spn3) ? undefined : true), 30_000, 'spn3 to stop').catch(() => undefined)
    }
  }, 270_000)

  it('the block page of the bridge transaction lists it, and its page decodes MessageSent', async () => {
    await bridged
    await page.goto(`${url}#/messages`)
    const link = page.locator(`[data-testid="messages"] tr[data-message="${messageKey}"] a`).first()
    await link.waitFor({ timeout: 30_000 })
    expect(await link.textContent()).toBe(`block ${bridgeBlock}`)
    const block = bridgeBlock
    await page.goto(`${url}#/network/spn1/block/${block}`)
    const txLink = page.locator(`[data-testid="block-txs"] a[href$="${bridgeTx}"]`)
    await txLink.waitFor({ timeout: 20_000 })
    await page.screenshot({ path: join(artifacts, 'block.png'), fullPage: true })
    await txLink.click()
    await page.locator('[data-testid="tx"]').waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-testid="tx"]').textContent()).toContain('success')
    await until(
      async () => ((await page.locator('[data-testid="log"]').count()) > 0 ? true : undefined),
      20_000,
      'logs',
    )
    expect((await page.locator('[data-testid="log"]').allTextContents()).join('\n')).toContain('MessageSent')
    await page.screenshot({ path: join(artifacts, 'tx.png'), fullPage: true })
  }, 60_000)

  it("a contract's read and write functions answer (spn1's Mailbox counts the messages)", async () => {
    await bridged
    await page.goto(`${url}#/network/spn1`)
    await page.locator('[data-testid="system-contracts"] a', { hasText: 'SPN Mailbox' }).click()
    await page.locator('[data-testid="account"]').waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-testid="account"]').textContent()).toContain('EVM')
    const form = page.locator('form[data-fn="messageCount"]')
    await form.locator('button').click()
    await until(
      async () => ((await form.locator('[data-testid="answer"]').count()) > 0 ? true : undefined),
      20_000,
      'the answer',
    )
    expect(await form.locator('[data-testid="answer"]').textContent()).toBe('1')
    const status = page.locator('form[data-fn="deliveryStatus"]')
    await status.locator('input').first().fill('x')
    await status.locator('button').click()
    await until(
      async () => ((await status.locator('.error').count()) > 0 ? true : undefined),
      20_000,
      'the refusal',
    )
    expect(await status.locator('.error').textContent()).toContain('srcSpn: expected an integer')
    // Write Contract: a second message, sent from dev account 0 through the page; the count follows
    const write = page.locator('form[data-write-fn="sendMessage"]')
    const inputs = write.locator('input')
    await inputs.nth(0).fill('2')
    await inputs.nth(1).fill('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    await inputs.nth(2).fill('0x')
    await inputs.nth(3).fill('0.25')
    await write.locator('button').click()
    await until(
      async () =>
        /success|reverted|Error|error/.test(
          (await write
            .locator('[data-testid="write-result"]')
            .textContent()
            .catch(() => '')) ?? '',
        )
          ? true
          : undefined,
      60_000,
      'the write to be mined',
    )
    expect(await write.locator('[data-testid="write-result"]').textContent()).toContain('✓ success')
    await form.locator('button').click()
    await until(
      async () => ((await form.locator('[data-testid="answer"]').textContent()) === '2' ? true : undefined),
      20_000,
      'messageCount 2',
    )
    await page.screenshot({ path: join(artifacts, 'contract.png'), fullPage: true })
  }, 60_000)

  it('the settlements page shows accepted settlements of spn1 with their main-net block', async () => {
    await page.goto(`${url}#/settlements`)
    const accepted = page.locator('[data-testid="settlements-spn1"] tr.accepted')
    await until(
      async () => ((await accepted.count()) > 0 ? true : undefined),
      240_000, // the first settlement's proof, niced, on a loaded machine
      'an accepted settlement',
    )
    await until(
      async () =>
        /^\d+$/.test((await accepted.first().locator('td').nth(6).textContent()) ?? '') ? true : undefined,
      20_000,
      'the accepting main-net block',
    )
    await page.screenshot({ path: join(artifacts, 'settlements.png'), fullPage: true })
  }, 270_000)

  it('a `mesh bridge` message goes sent → settled → delivered on the Messages page', async () => {
    await bridged
    await page.goto(`${url}#/messages`)
    const row = page.locator(`[data-testid="messages"] tr[data-message="${messageKey}"]`)
    const seen: string[] = []
    await until(
      async () => {
        const stage = await row.getAttribute('data-stage', { timeout: 1000 }).catch(() => null)
        if (stage && seen.at(-1) !== stage) seen.push(stage)
        return stage === 'delivered' || stage === 'failed' ? stage : undefined
      },
      // proving runs niced: on a loaded shared machine a settlement takes minutes (see BENCHMARKS.md)
      300_000,
      'the message to be delivered',
    ).catch((error: Error) => {
      throw new Error(`${error.message}; stages seen: ${seen.join(' → ') || 'none'}`)
    })
    // whatever the page caught on its way (it polls), it went forward in order and ended delivered
    const order = ['sent', 'settled', 'delivered']
    expect(seen.at(-1)).toBe('delivered')
    expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort())
    expect(await row.locator('.stages .done').allTextContents()).toEqual([
      'sent',
      ' → settled',
      ' → delivered',
    ])
    expect(await row.textContent()).toContain('1 ETH')
    await page.screenshot({ path: join(artifacts, 'messages.png'), fullPage: true })
  }, 330_000)

  it("the message's bundle exports from the page and verifies there; a tampered one fails naming the check", async () => {
    await bridged
    await page.goto(`${url}#/messages`)
    const row = page.locator(`[data-testid="messages"] tr[data-message="${messageKey}"]`)
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 90_000 }),
      row.locator('[data-testid="export-bundle"]').click(),
    ])
    const file = join(dir, download.suggestedFilename())
    await download.saveAs(file)
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; acceptance: { quote: string } }
    expect(bundle.kind).toBe('rollup-mesh/proof-bundle')
    const verdict = async (path: string) => {
      await page.locator('[data-testid="bundle-file"]').setInputFiles(path)
      const result = page.locator(`[data-testid="bundle-result"]`)
      await until(
        async () =>
          (await result.textContent({ timeout: 1000 }).catch(() => ''))?.startsWith(path.split('/').pop()!)
            ? true
            : undefined,
        90_000,
        `the verdict on ${path}`,
      )
      const checks = await page.locator('[data-testid="bundle-checks"] li').evaluateAll((lis) =>
        lis.map((li) => ({
          name: li.getAttribute('data-check'),
          ok: li.getAttribute('data-ok') === 'true',
        })),
      )
      return {
        ok: (await result.getAttribute('data-ok')) === 'true',
        text: await result.textContent(),
        checks,
      }
    }
    const valid = await verdict(file)
    expect(valid.checks.filter((c) => !c.ok)).toEqual([])
    expect(valid.ok).toBe(true)
    expect(valid.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['inclusion', 'groth16', 'tee-quote', 'commit-certificate']),
    )
    await page.screenshot({ path: join(artifacts, 'bundle-valid.png'), fullPage: true })
    // one byte of the TEE quote's signed report body changed: the quote check fails, by name
    const q = bundle.acceptance.quote
    const at = 2 + 2 * 100
    bundle.acceptance.quote = `${q.slice(0, at)}${q[at] === '0' ? '1' : '0'}${q.slice(at + 1)}`
    const tampered = join(dir, 'bundle-tampered.json')
    writeFileSync(tampered, JSON.stringify(bundle))
    const bad = await verdict(tampered)
    expect(bad.ok).toBe(false)
    expect(bad.text).toContain('✗ failed at tee-quote')
    expect(bad.checks.find((c) => c.name === 'tee-quote')?.ok).toBe(false)
    await page.screenshot({ path: join(artifacts, 'bundle-tampered.png'), fullPage: true })
  }, 200_000)
})
