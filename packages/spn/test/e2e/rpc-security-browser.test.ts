import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRPCServer, type RPCServer } from '@rollup-mesh/chain'
import { devAccounts } from '@rollup-mesh/core'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SPNNode } from '../../src/index.js'
import { createManualSPNNode, tempDir } from './helpers.js'

// A hostile web page in the developer's browser (headless Chromium, as the explorer's tests use) against
// a running SPN on 127.0.0.1: served by a second local HTTP server (another port, so another origin), it
// tries a text/plain POST (a "simple" request, no preflight), a JSON POST (needs a preflight), a
// WebSocket, and DNS rebinding (a name that resolves to 127.0.0.1, so the page is same-origin with the
// node). Nothing may execute (pool empty, dev nonce unchanged) and nothing may be readable. A control
// server that does allow the page's origin and name shows the same page code can read an answer, so the
// refusals are the node's, not a broken harness.

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const REBIND_HOST = 'rebind.attacker.test'
const CHAIN_ID = 9_732
const [dev0, dev1] = devAccounts(2) as [
  ReturnType<typeof devAccounts>[number],
  ReturnType<typeof devAccounts>[number],
]

type AttackResult = {
  /** `fetch(…, { mode: 'no-cors' })` text/plain: the response is opaque. */
  simpleNoCors: { type?: string; readable: string; error?: string }
  /** The same as a CORS request: the page may read it only if the node allowed its origin. */
  simpleCors: { readable?: string; error?: string }
  /** A JSON POST: the browser preflights it. */
  json: { readable?: string; error?: string }
  /** A WebSocket: opened, and what came back. */
  ws: { opened: boolean; message?: string }
}

/** Runs in the attacker's page: every attempt, and what the page could read back. */
async function attack(page: Page, rpcUrl: string, wsUrl: string, body: string): Promise<AttackResult> {
  return page.evaluate(
    async (rpcUrl, wsUrl, body) => {
      const out: Record<string, unknown> = {}
      try {
        const r = await fetch(rpcUrl, {
          method: 'POST',
          mode: 'no-cors',
          headers: { 'content-type': 'text/plain' },
          body,
        })
        out.simpleNoCors = { type: r.type, readable: await r.text() }
      } catch (e) {
        out.simpleNoCors = { readable: '', error: String(e) }
      }
      try {
        const r = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })
        out.simpleCors = { readable: await r.text() }
      } catch (e) {
        out.simpleCors = { error: String(e) }
      }
      try {
        const r = await fetch(rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        out.json = { readable: await r.text() }
      } catch (e) {
        out.json = { error: String(e) }
      }
      out.ws = await new Promise((resolve) => {
        const ws = new WebSocket(wsUrl)
        let opened = false
        const done = (message?: string) => {
          resolve(message === undefined ? { opened } : { opened, message })
          ws.close()
        }
        ws.onopen = () => {
          opened = true
          ws.send(body)
        }
        ws.onmessage = (m) => done(String(m.data))
        ws.onerror = () => done()
        ws.onclose = () => done()
      })
      return out as AttackResult
    },
    rpcUrl,
    wsUrl,
    body,
  )
}

/** Same-origin requests from a page at `http://rebind.attacker.test:<node port>/` (the rebinding attack). */
async function sameOriginPost(page: Page, body: string): Promise<{ status: number; text: string }> {
  return page.evaluate(async (body) => {
    const r = await fetch('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    return { status: r.status, text: await r.text() }
  }, body)
}

describe('SPN RPC against a hostile page in headless Chromium', () => {
  const dir = tempDir('spn-rpc-browser-')
  let node: SPNNode
  let control: RPCServer
  let site: Server
  let siteOrigin = ''
  let browser: Browser | undefined
  let page: Page
  const sendTx = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'eth_sendTransaction',
    params: [{ from: dev0.address, to: dev1.address, value: '0x1' }],
  })

  beforeAll(async () => {
    if (!existsSync(chromium))
      throw new Error(
        `Chromium not found at ${chromium}: this test needs a headless browser. Install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH.`,
      )
    node = createManualSPNNode({ spnId: 'spn8', chainId: CHAIN_ID, dataDir: dir, devAccounts: 2 })
    await node.start()
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>totally harmless</title><p>hello</p>')
    })
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()))
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
    // The control: a node-like server that allows the attacker's origin and name.
    control = createRPCServer(
      { eth_sendTransaction: () => '0xc0ffee', eth_chainId: () => '0x2604' },
      { corsOrigins: [siteOrigin], allowedHosts: [REBIND_HOST] },
    )
    await control.start()
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`],
    })
    page = await browser.newPage()
    await page.goto(`${siteOrigin}/`)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await control?.stop()
    await new Promise((r) => (site ? site.close(r) : r(undefined)))
    await node?.stop()
  })

  const nothingExecuted = () => {
    expect(node.chain.mempool.size).toBe(0)
    expect(node.chain.mempool.pendingNonce(dev0.address.toLowerCase() as Hex)).toBe(0n)
    expect(node.chain.head().number).toBe(0n)
  }

  it('control: the harness reads answers from a server that allows the page’s origin', async () => {
    const r = await attack(page, control.url, control.wsUrl, sendTx)
    expect(r.json.readable).toContain('0xc0ffee')
    expect(r.ws).toEqual({ opened: true, message: expect.stringContaining('0xc0ffee') })
  })

  it('cross-origin: no request executes, no answer is readable, the WebSocket never opens', async () => {
    const r = await attack(page, node.rpcUrl, node.wsUrl, sendTx)
    // no-cors: the browser sends it but hands the page an opaque, empty response
    expect(r.simpleNoCors.error ?? r.simpleNoCors.type).toMatch(/opaque|TypeError/)
    expect(r.simpleNoCors.readable).toBe('')
    expect(r.simpleCors.readable).toBeUndefined()
    expect(r.simpleCors.error).toMatch(/TypeError/)
    expect(r.json.readable).toBeUndefined()
    expect(r.json.error).toMatch(/TypeError/)
    expect(r.ws).toEqual({ opened: false })
    nothingExecuted()
  })

  it('DNS rebinding: a page same-origin with the node under another name is refused', async () => {
    const port = new URL(node.rpcUrl).port
    // control first: the same page code reaches a server that accepts the name
    const controlPage = await browser!.newPage()
    await controlPage.goto(`http://${REBIND_HOST}:${control.port}/`)
    expect((await sameOriginPost(controlPage, sendTx)).text).toContain('0xc0ffee')
    await controlPage.close()

    const rebound = await browser!.newPage()
    await rebound.goto(`http://${REBIND_HOST}:${port}/`)
    const r = await sameOriginPost(rebound, sendTx)
    expect(r.status).toBe(403)
    expect(JSON.parse(r.text).error.message).toMatch(/invalid host specified: "rebind\.attacker\.test:\d+"/)
    const ws = await attack(rebound, `http://${REBIND_HOST}:${port}/`, `ws://${REBIND_HOST}:${port}/`, sendTx)
    expect(ws.ws).toEqual({ opened: false })
    await rebound.close()
    nothingExecuted()
  })
})
