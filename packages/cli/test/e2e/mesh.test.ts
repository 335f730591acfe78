import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeQuote } from '@rollup-mesh/tee-attest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerSPNs } from '../../src/mesh/settle.js'
import { alive, ensureBuilt, killPid, lastJson, mesh, meshBackground, root, until } from './helpers.js'

const ALICE = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const BOB = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const CAROL = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' // dev account 3
const SUPPLY = (1000n * 10n ** 18n).toString()

// One mesh for the whole file: up (detached) → status → deploy on both VMs →
// call/send → bad input → settle → bridge → proof → spn add → down → up again in
// the foreground (resumes) → a node crash is reported with its log.
describe('mesh CLI against a real mesh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-cli-'))
  const dataDir = join(dir, 'data')
  const pids = new Set<number>()
  const d = ['--data-dir', dataDir]
  let solToken = ''
  let wasmToken = ''
  let upMs = 0
  let bridgeTx = ''

  beforeAll(async () => {
    await ensureBuilt()
    // Solidity sources are copied so `mesh deploy` writes Token.abi.json into the temp dir.
    copyFileSync(join(root, 'examples/contracts/Token.sol'), join(dir, 'Token.sol'))
    writeFileSync(
      join(dir, 'Broken.sol'),
      '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract Broken {\n  function f() external { undefinedThing(); }\n}\n',
    )
  })

  afterAll(() => {
    for (const pid of pids) killPid(pid)
    try {
      const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
        networks: { pid: number }[]
      }
      for (const n of state.networks) killPid(n.pid)
    } catch {
      // no state
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('mesh up --detach starts the main net and two SPNs and records them', async () => {
    const r = await mesh(['up', '--detach', '--json', '--block-time', '100', ...d])
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.code).toBe(0)
    const state = lastJson(r.stdout)
    expect(state.event).toBe('ready')
    expect(state.networks.map((n: { name: string }) => n.name)).toEqual(['mainnet', 'spn1', 'spn2'])
    // The main net's system contracts are in the state (and the banner).
    expect(state.networks[0].contracts.mailbox).toMatch(/^0x[0-9a-fA-F]{40}$/)
    for (const n of state.networks) {
      pids.add(n.pid)
      expect(alive(n.pid)).toBe(true)
      expect(n.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    }
    upMs = r.ms
    console.log(
      `mesh up --detach (main net + 2 SPNs, cold data dir, ${process.env.MESH_TEST_FROM_SOURCE === '1' ? 'from source' : 'built'}): ${(upMs / 1000).toFixed(1)} s, nodes ready after ${(state.readyMs / 1000).toFixed(1)} s`,
    )
  }, 90_000)

  it('status shows both networks producing blocks', async () => {
    const [r, json, again, logs] = await Promise.all([
      mesh(['status', ...d]),
      mesh(['status', '--json', ...d]),
      mesh(['up', '--detach', ...d]),
      mesh(['logs', 'spn1', '--lines', '200', ...d]),
    ])
    // The node's pino log, made readable.
    expect(logs.code).toBe(0)
    expect(logs.stdout).toMatch(/\d\d:\d\d:\d\d\.\d{3} INFO {2}chain opened/)
    // A second `mesh up` on the same data dir refuses while the first runs.
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already running')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/spn1\s+9001\s+up\s+\d+/)
    expect(r.stdout).toMatch(/spn2\s+9002\s+up\s+\d+/)
    expect(r.stdout).toContain('txs in pool')
    const j = lastJson(json.stdout)
    expect(j.networks).toHaveLength(3)
    expect(j.networks.every((n: { up: boolean; height: number }) => n.up && n.height > 0)).toBe(true)
  })

  it('deploys the Solidity token (EVM) and the AssemblyScript token (WASM)', async () => {
    const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
      networks: { vms: string[] }[]
    }
    // Both SPNs report both VMs (mesh_nodeInfo.vms), and the state file says so.
    for (const n of state.networks.slice(1)) expect(n.vms).toEqual(['evm', 'wasm'])
    const [sol, wasm] = await Promise.all([
      mesh([
        'deploy',
        '--network',
        'spn1',
        join(dir, 'Token.sol'),
        '--args',
        'Mesh',
        'MESH',
        '1000ether',
        '--json',
        ...d,
      ]),
      mesh([
        'deploy',
        '--network',
        'spn2',
        'examples/contracts/token.ts',
        '--args',
        'Wasm',
        'WMESH',
        '1000ether',
        '--json',
        ...d,
      ]),
    ])
    expect(sol.stderr).toBe('')
    expect(sol.code).toBe(0)
    const s = lastJson(sol.stdout)
    expect(s).toMatchObject({ network: 'spn1', contract: 'Token', vm: 'evm' })
    expect(wasm.stderr).toBe('')
    expect(wasm.code).toBe(0)
    const w = lastJson(wasm.stdout)
    expect(w).toMatchObject({ network: 'spn2', contract: 'token', vm: 'wasm' })
    // both nodes keep the ABI for JSON-RPC readers (mesh_getContractAbi: the explorer)
    expect(s.abiRecorded).toBe(true)
    expect(w.abiRecorded).toBe(true)
    wasmToken = w.address
    expect(s.address).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(BigInt(s.gasUsed)).toBeGreaterThan(21_000n)
    expect(s.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(existsSync(join(dir, 'Token.abi.json'))).toBe(true)
    solToken = s.address
  }, 90_000)

  it('call and send work on both VMs, by signature and by recorded ABI', async () => {
    const [net, token, name] = ['spn2', wasmToken, 'Wasm']
    const [evmBal, otherBal, otherName] = await Promise.all([
      mesh(['call', '--network', 'spn1', solToken, 'balanceOf(address)(uint256)', ALICE, ...d]),
      mesh(['call', '--network', net, token, 'balanceOf(address)(uint256)', ALICE, ...d]),
      mesh(['call', '--network', net, token, 'name', ...d]),
    ])
    expect(evmBal.stdout.trim()).toBe(SUPPLY)
    expect(otherBal.stdout.trim()).toBe(SUPPLY)
    expect(otherName.stdout.trim()).toBe(name)
    const sent = await mesh([
      'send',
      '--network',
      net,
      token,
      'transfer(address,uint256)',
      BOB,
      '2ether',
      '--json',
      ...d,
    ])
    expect(sent.code).toBe(0)
    const tx = lastJson(sent.stdout)
    expect(tx.status).toBe('success')
    expect(tx.events[0]).toMatchObject({
      event: 'Transfer',
      args: { to: BOB, value: (2n * 10n ** 18n).toString() },
    })
    const bob = await mesh(['call', '--network', net, token, 'balanceOf', BOB, '--json', ...d])
    expect(lastJson(bob.stdout).result).toBe((2n * 10n ** 18n).toString())
  }, 90_000)

  it('bad input gets a clear message and exit code 1, never a stack trace', async () => {
    const cases = await Promise.all([
      // a revert, with its reason (account 3 holds no tokens)
      mesh([
        'send',
        '--network',
        'spn1',
        solToken,
        'transfer(address,uint256)',
        BOB,
        '1',
        '--from',
        '3',
        ...d,
      ]),
      mesh(['call', '--network', 'spn7', solToken, 'name()(string)', ...d]),
      mesh(['deploy', '--network', 'spn1', join(dir, 'Missing.sol'), ...d]),
      mesh(['compile', join(dir, 'Broken.sol')]),
      mesh(['call', '--rpc-url', 'http://127.0.0.1:9', solToken, 'name()(string)']),
      mesh(['up', '--spns', 'lots', ...d]),
      mesh([
        'call',
        '--network',
        'spn1',
        solToken,
        'name()(string)',
        '--json',
        '--data-dir',
        join(dir, 'none'),
      ]),
      mesh(['spn', 'add', '--data-dir', join(dir, 'none')]),
    ])
    const [revert, unknown, missing, broken, unreachable, badOption, noMesh, addNoMesh] = cases
    expect(revert!.stderr).toContain('reverted: ERC20: transfer amount exceeds balance')
    expect(unknown!.stderr).toContain('Unknown network "spn7"')
    expect(unknown!.stderr).toContain('spn1, spn2')
    expect(missing!.stderr).toMatch(/Missing\.sol does not exist/)
    expect(broken!.stderr).toMatch(/Broken\.sol:4:\d+: Undeclared identifier/)
    expect(unreachable!.stderr).toContain('is not reachable at http://127.0.0.1:9')
    expect(badOption!.stderr).toMatch(/spns/)
    expect(noMesh!.stderr).toContain('start one with `mesh up`')
    expect(lastJson(noMesh!.stdout)).toMatchObject({ error: { code: 'UNKNOWN_NETWORK' } })
    // `mesh spn add` without a running mesh
    expect(addNoMesh!.stderr).toMatch(/mesh/i)
    for (const c of cases) {
      expect(c!.code).toBe(1)
      expect(c!.stderr).not.toMatch(/\n\s+at /)
    }
  }, 90_000)

  it('up --export-configs writes one node config per network for `mesh node start`', async () => {
    const out = join(dir, 'configs')
    const r = await mesh(['up', '--export-configs', out, '--spns', '3', '--port', '18545', '--json'])
    expect(r.code).toBe(0)
    expect(lastJson(r.stdout).configs).toHaveLength(4)
    expect(JSON.parse(readFileSync(join(out, 'mainnet.json'), 'utf8'))).toMatchObject({
      kind: 'mainnet',
      config: { chainId: 900, rpc: { port: 18548 } },
    })
    const spn3 = JSON.parse(readFileSync(join(out, 'spn3.json'), 'utf8'))
    expect(spn3).toMatchObject({
      kind: 'spn',
      network: 'spn3',
      config: { chainId: 9003, dataDir: './spn3', rpc: { port: 18547 } },
    })
  })

  it('the SPNs are registered on the main net and settle to it; status shows the last accepted settlement', async () => {
    // `mesh up` gave each SPN a settlement section (the main net's URL, its own dev operator key).
    const spn1 = JSON.parse(readFileSync(join(dataDir, 'spn1/node.json'), 'utf8'))
    const mainnetUrl = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')).networks[0].rpcUrl
    expect(spn1.config.settlement).toMatchObject({ mainnetRpcUrl: mainnetUrl, mainnetChainId: 900, id: 1 })
    expect(JSON.parse(readFileSync(join(dataDir, 'spn1/settlement.json'), 'utf8'))).toMatchObject({
      spnId: '1',
      operator: BOB, // dev account 1: spn N's operator is dev account N
    })
    // Settling runs in the background since `up`; wait (with a deadline) for spn1's first accepted one.
    const started = Date.now()
    let row: { settlementsAccepted?: number; settledBlock?: number } | undefined
    for (;;) {
      const r = await mesh(['status', '--json', ...d])
      row = lastJson(r.stdout)?.networks.find((n: { network: string }) => n.network === 'spn1')
      if ((row?.settlementsAccepted ?? 0) >= 1) break
      if (Date.now() - started > 60_000)
        throw new Error(`spn1 did not settle in 60 s: ${JSON.stringify(row)}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    expect(row?.settledBlock).toBeGreaterThan(0)
    const table = await mesh(['status', ...d])
    expect(table.stdout).toContain('last settlement')
    expect(table.stdout).toMatch(/spn1\s+9001\s+up\s+.*#\d+, to block \d+/)
    // Registering again (what `up` does on resume) skips it; an executor build whose measurement the
    // main net did not register is reported, since its settlements would be refused.
    const registration = JSON.parse(readFileSync(join(dataDir, 'spn1/settlement.json'), 'utf8'))
    const again = (measurement: string) =>
      registerSPNs({
        mainnetRpcUrl: mainnetUrl,
        mainnetChainId: 900,
        spns: [{ network: 'spn1', chainId: 9001, registration: { ...registration, measurement } }],
      })
    expect(await again(registration.measurement)).toEqual([
      { network: 'spn1', spnId: '1', registered: false },
    ])
    const other = `0x${'ab'.repeat(32)}`
    expect(await again(other)).toEqual([
      {
        network: 'spn1',
        spnId: '1',
        registered: false,
        staleMeasurement: { registered: [registration.measurement.toLowerCase()], current: other },
      },
    ])
  }, 90_000)

  it('bridge sends value spn1 → spn2 and follows it to delivered; --to mainnet is a clear error', async () => {
    const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
      networks: { name: string; rpcUrl: string }[]
    }
    const spn2 = state.networks.find((n) => n.name === 'spn2')!
    // Dev account 3 does nothing else on spn2, so its balance moves by the message's value only.
    const balance = async () =>
      BigInt(
        (
          (await (
            await fetch(spn2.rpcUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                jsonrpc: '2.0',
                id: 1,
                method: 'eth_getBalance',
                params: [CAROL, 'latest'],
              }),
            })
          ).json()) as { result: string }
        ).result,
      )
    const before = await balance()
    const [r, human, toMainnet, badValue, refused] = await Promise.all([
      mesh(
        [
          'bridge',
          '--from',
          'spn1',
          '--to',
          'spn2',
          '--value',
          '1.5ether',
          '--from-account',
          '3',
          '--timeout',
          '100',
          '--json',
          ...d,
        ],
        { timeoutMs: 110_000 },
      ),
      mesh(['bridge', '--to', 'spn2', '--value', '100gwei', '--no-wait', ...d]),
      mesh(['bridge', '--from', 'spn1', '--to', 'mainnet', '--value', '1ether', ...d]),
      mesh(['bridge', '--to', 'spn2', '--value', '1foo', ...d]),
      // The WASM token has no onMessage: the delivery reverts, the message is marked failed.
      mesh(
        [
          'bridge',
          '--to',
          'spn2',
          '--to-address',
          wasmToken,
          '--value',
          '7',
          '--from-account',
          '4',
          '--timeout',
          '100',
          ...d,
        ],
        { timeoutMs: 110_000 },
      ),
    ])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(
      /^✗ failed {5}spn2 tx 0x[0-9a-f]{8}…[0-9a-f]{4} block \d+ → .*\(0\.000000000000000007 ETH\): .+ +\d+\.\d s$/m,
    )
    expect(refused.stdout).toContain('anyone can retry it there')
    expect(toMainnet.code).toBe(1)
    expect(toMainnet.stderr).toContain('--to mainnet: messages go between SPNs')
    expect(toMainnet.stderr).not.toMatch(/\n\s+at /)
    expect(badValue.code).toBe(1)
    expect(badValue.stderr).toContain('--value "1foo" is not an amount')
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(
      /^✓ sent {7}spn1 tx 0x[0-9a-f]{64} block \d+ \(exit position \d+\) +\d+\.\d s$/m,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const j = lastJson(r.stdout)
    expect(j).toMatchObject({ from: 'spn1', to: 'spn2', srcSpn: '1', dstSpn: '2', status: 'delivered' })
    expect(j.recipient).toBe(CAROL)
    expect(j.value).toBe((15n * 10n ** 17n).toString())
    expect(j.stages.map((s: { stage: string }) => s.stage)).toEqual(['sent', 'settled', 'delivered'])
    const [sent, settled, delivered] = j.stages
    expect(BigInt(settled.toBlock)).toBeGreaterThanOrEqual(BigInt(sent.block))
    expect(delivered.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(await balance()).toBe(before + 15n * 10n ** 17n)
    bridgeTx = j.txHash
    console.log(
      `mesh bridge spn1 → spn2: settled after ${(settled.ms / 1000).toFixed(1)} s, delivered after ${(delivered.ms / 1000).toFixed(1)} s (whole command ${(r.ms / 1000).toFixed(1)} s)`,
    )
  }, 120_000)

  it('proof export writes the bundle of that message; proof verify accepts it and names a tampered check', async () => {
    expect(bridgeTx).toMatch(/^0x[0-9a-f]{64}$/)
    const file = join(dir, 'bundle.json')
    const ex = await mesh(['proof', 'export', bridgeTx, '-o', file, '--json', ...d])
    // A bundle (v2) carries the accepting block's commit certificate: a single-key main net without
    // mesh_getCommit refuses to export, naming the method. The rest needs the BFT node.
    const mainnetUrl = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')).networks[0].rpcUrl
    const commit = (await (
      await fetch(mainnetUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'mesh_getCommit', params: ['latest'] }),
      })
    ).json()) as { error?: { code: number } }
    if (commit.error?.code === -32601) {
      expect(ex.code).toBe(1)
      expect(lastJson(ex.stdout).error.code).toBe('EXPORT_FAILED')
      expect(ex.stderr).toContain('does not serve mesh_getCommit')
      console.log('main net without mesh_getCommit: proof export refused, as expected')
      return
    }
    expect(ex.stderr).toBe('')
    expect(ex.code).toBe(0)
    const e = lastJson(ex.stdout)
    expect(e.message).toMatchObject({
      srcSpn: '1',
      dstSpn: '2',
      value: (15n * 10n ** 17n).toString(),
      to: CAROL.toLowerCase(),
    })
    expect(e.delivery).toMatchObject({ network: 'spn2', status: 'delivered' })
    const bundle = JSON.parse(readFileSync(file, 'utf8'))
    // the settled quote in the bundle is DCAP v5 (the simulated enclave's default), SGX body
    const quoteBytes = new Uint8Array(Buffer.from(bundle.acceptance.quote.slice(2), 'hex'))
    expect(decodeQuote(quoteBytes).header.version).toBe(5)
    expect(decodeQuote(quoteBytes).body.type).toBe('sgx')
    const badQuote = structuredClone(bundle)
    quoteBytes[48] = 9 // an unknown v5 body type
    badQuote.acceptance.quote = `0x${Buffer.from(quoteBytes).toString('hex')}`
    writeFileSync(join(dir, 'bad-quote.json'), JSON.stringify(badQuote))
    bundle.message.value = (BigInt(bundle.message.value) + 1n).toString()
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(bundle))
    // Offline: no data dir, no node.
    const [ok, okJson, bad, notYet, quoteBad] = await Promise.all([
      mesh(['proof', 'verify', file]),
      mesh(['proof', 'verify', file, '--json']),
      mesh(['proof', 'verify', join(dir, 'tampered.json')]),
      mesh(['proof', 'export', 'spn1:999999', ...d]),
      mesh(['proof', 'verify', join(dir, 'bad-quote.json')]),
    ])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/✓ message-leaf/)
    expect(ok.stdout).toMatch(/✓ groth16/)
    expect(ok.stdout).not.toContain('✗')
    expect(ok.stdout).toContain('from the bundle (pin it with --validator)')
    const v = lastJson(okJson.stdout)
    expect(v.ok).toBe(true)
    expect(v.checks.every((c: { ok: boolean }) => c.ok)).toBe(true)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/✗ message-leaf/)
    expect(bad.stdout).toContain('first: message-leaf')
    expect(quoteBad.code).toBe(1)
    expect(quoteBad.stdout).toMatch(/✗ tee-quote/)
    expect(quoteBad.stdout).toContain('unsupported-quote')
    expect(notYet.code).toBe(1)
    expect(notYet.stderr).toContain('spn1 has no message at exit position 999999')
    console.log(
      `mesh proof verify: ${v.ms} ms in the command (cold curve), whole command ${(ok.ms / 1000).toFixed(1)} s`,
    )
  }, 90_000)

  // Adding an SPN to a running mesh (supersim users ask for adding L2s to a running L1): the new SPN is
  // registered on the main net, joins the libp2p mesh and settles like the others; `down` stops it with the
  // rest and `up` resumes it. (Its own file once; it shares this file's mesh now.)
  it('spn add starts spn3 next to the running SPNs: registered, peered, settling, listed by status', async () => {
    const add = await mesh(['spn', 'add', '--vm', 'wasm', '--json', ...d])
    expect(add.stderr).not.toMatch(/\n\s+at /)
    expect(add.code).toBe(0)
    const added = lastJson(add.stdout)
    expect(added).toMatchObject({
      event: 'added',
      spnId: '3',
      network: { name: 'spn3', chainId: 9003, role: 'WASM-heavy' },
    })
    expect(added.registrationTx).toMatch(/^0x[0-9a-f]{64}$/)
    pids.add(added.network.pid)
    const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8'))
    expect(state.networks.map((n: { name: string }) => n.name)).toEqual(['mainnet', 'spn1', 'spn2', 'spn3'])
    // spn1's config now lists spn3 for its next start (next to the main net and spn2)
    const spn1 = JSON.parse(readFileSync(join(dataDir, 'spn1', 'node.json'), 'utf8'))
    expect(spn1.config.p2p.bootstrap).toHaveLength(3)
    type Row = {
      network: string
      up: boolean
      peers?: number
      settlementsAccepted?: number
      height?: number
      messagesPending?: number
      messagesDelivered?: number
    }
    const deadline = Date.now() + 60_000
    let row: Row | undefined
    for (;;) {
      const r = await mesh(['status', '--json', ...d])
      row = (lastJson(r.stdout)?.networks as Row[] | undefined)?.find((n) => n.network === 'spn3')
      if (row?.up && (row.settlementsAccepted ?? 0) >= 1 && (row.peers ?? 0) >= 2) break
      if (Date.now() > deadline)
        throw new Error(`spn3 did not peer and settle in 60 s: ${JSON.stringify(row)}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    expect(row?.height).toBeGreaterThan(0)
    // the messages column: nothing sent to spn3 yet
    expect(row).toMatchObject({ messagesPending: 0, messagesDelivered: 0 })
    expect((await mesh(['status', ...d])).stdout).toContain('msgs pending/delivered')
  }, 120_000)

  it('down stops every node by pid', async () => {
    const r = await mesh(['down', ...d])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('stopped')
    for (const pid of pids) expect(alive(pid)).toBe(false)
    const status = await mesh(['status', ...d])
    expect(status.code).toBe(1)
    expect(status.stdout).toContain('not running')
  }, 60_000)

  it('up again resumes the chains; a crashed node is reported with its log', async () => {
    const up = meshBackground(['up', '--json', '--block-time', '100', ...d])
    pids.add(up.proc.pid!)
    await until(() => up.output().includes('"event":"ready"'), 60_000, 'the mesh to be ready')
    const state = lastJson(up.output())
    for (const n of state.networks) pids.add(n.pid)
    // The token deployed before the restart is still there, with its balances.
    const bal = await mesh(['call', '--network', 'spn1', solToken, 'balanceOf(address)(uint256)', BOB, ...d])
    expect(bal.stdout.trim()).toBe('0')
    const wasm = await mesh([
      'call',
      '--network',
      'spn2',
      wasmToken,
      'balanceOf(address)(uint256)',
      BOB,
      ...d,
    ])
    expect(wasm.stdout.trim()).toBe((2n * 10n ** 18n).toString())
    const spn2 = state.networks.find((n: { name: string }) => n.name === 'spn2')
    process.kill(spn2.pid, 'SIGKILL')
    expect(await up.exited).toBe(1)
    expect(up.output()).toContain('spn2')
    expect(up.output()).toContain('stopped unexpectedly (SIGKILL)')
    expect(up.output()).toContain('Last lines of')
    for (const n of state.networks) await until(() => !alive(n.pid), 15_000, `${n.name} to stop`)
  }, 120_000)
})
