import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testSet, v2Bundle } from '../../../mainnet/test/bundleCommit.js'
import { type ExplorerServer, startExplorerServer } from '../../src/server.js'
import { missingPrerequisite, until } from './mesh.js'

// The in-page verifier (mesh proof verify's code built for the browser) in real Chromium, no mesh needed:
// mainnet's real v2 bundle (Groth16 proof, simulated-enclave quote, BLS commit certificate) verifies, and
// each tampered copy fails naming its check.
const CHROMIUM = '/usr/bin/chromium'
const skip = missingPrerequisite(CHROMIUM)

describe.skipIf(skip !== undefined)('verify a proof bundle in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-explorer-verify-'))
  const artifacts = join(dir, 'screenshots')
  let server: ExplorerServer
  let browser: Browser | undefined
  let page: Page
  const errors: string[] = []

  const bundleFile = (name: string, edit: (b: ReturnType<typeof v2Bundle>) => void = () => {}) => {
    const b = v2Bundle(testSet([1, 1, 1, 1], 1))
    edit(b)
    const file = join(dir, name)
    writeFileSync(file, JSON.stringify(b))
    return file
  }
  const flip = (hex: string, at: number) =>
    `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    console.log(`bundle verify suite: screenshots in ${artifacts}`)
    server = await startExplorerServer({ port: 0, endpoints: [] })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    page.on('pageerror', (err) => errors.push(err.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(`${server.url}#/messages`)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  const verdict = async (file: string) => {
    await page.locator('[data-testid="bundle-file"]').setInputFiles(file)
    const result = page.locator('[data-testid="bundle-result"]')
    const name = file.split('/').pop()!
    await until(
      async () =>
        (await result.textContent({ timeout: 500 }).catch(() => ''))?.startsWith(name) ? true : undefined,
      90_000,
      `the verdict on ${name}`,
    )
    const checks = await page.locator('[data-testid="bundle-checks"] li').evaluateAll((lis) =>
      lis.map((li) => ({
        name: li.getAttribute('data-check'),
        ok: li.getAttribute('data-ok') === 'true',
        text: li.textContent,
      })),
    )
    return {
      ok: (await result.getAttribute('data-ok')) === 'true',
      text: (await result.textContent()) ?? '',
      checks,
    }
  }

  it('a real bundle: every check ✓ (Groth16, TEE quote, BLS certificate)', async () => {
    const v = await verdict(bundleFile('good.json'))
    expect(
      v.checks.filter((c) => !c.ok),
      errors.join('\n'),
    ).toEqual([])
    expect(v.ok).toBe(true)
    expect(v.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'message-leaf',
        'inclusion',
        'groth16',
        'tee-quote',
        'validator-set',
        'commit-certificate',
      ]),
    )
    expect(v.checks.every((c) => c.text?.startsWith('✓'))).toBe(true)
    await page.screenshot({ path: join(artifacts, 'verify-valid.png'), fullPage: true })
  }, 120_000)

  it('tampered bundles fail, naming the check: quote → tee-quote, certificate → commit-certificate, proof → groth16, message → message-leaf', async () => {
    type Bundle = ReturnType<typeof v2Bundle>
    const hex = (v: string) => v as `0x${string}`
    const cases: [string, (b: Bundle) => void, string][] = [
      [
        'bad-quote.json',
        (b) => {
          b.acceptance.quote = hex(flip(b.acceptance.quote, 202))
        },
        'tee-quote',
      ],
      [
        'bad-cert.json',
        (b) => {
          b.commit!.certificate = hex(flip(b.commit!.certificate, b.commit!.certificate.length - 10))
        },
        'commit-certificate',
      ],
      [
        'bad-proof.json',
        (b) => {
          b.acceptance.proof = hex(flip(b.acceptance.proof, 82))
        },
        'groth16',
      ],
      [
        'bad-message.json',
        (b) => {
          b.message.value = '7'
        },
        'message-leaf',
      ],
    ]
    for (const [name, edit, check] of cases) {
      const v = await verdict(bundleFile(name, edit))
      expect(v.ok, name).toBe(false)
      expect(v.checks.find((c) => c.name === check)?.ok, `${name}: ${JSON.stringify(v.checks)}`).toBe(false)
      expect(v.checks.find((c) => c.name === check)?.text).toMatch(/^✗/)
      if (check !== 'groth16') expect(v.text).toContain(`✗ failed at ${check}`)
    }
    await page.screenshot({ path: join(artifacts, 'verify-tampered.png'), fullPage: true })
  }, 240_000)
})
