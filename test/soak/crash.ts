import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { devAccounts } from '@rollup-mesh/core'
import { compileSolidityFile } from '@rollup-mesh/dual-vm'
import { type Abi, encodeDeployData, encodeFunctionData, getContractAddress, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type ClientNetwork, type SentTx, startSender } from './crashClients.js'
import { validatorAgreement } from './crashValidators.js'
import { awaitDelivery } from './delivery.js'
import { prng } from './malformed.js'
import { createPhaseClock } from './phaseClock.js'
import {
  alive,
  ensureBuilt,
  kill,
  killAndWait,
  meshArgs,
  root,
  runMesh,
  type Started,
  sleep,
  startReady,
  until,
} from './processes.js'
import { call, callBatch } from './rpcClient.js'
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario.js'

type NetworkState = {
  name: string
  kind: string
  chainId: number
  pid: number
  rpcUrl: string
  configFile: string
  logFile: string
}

/**
 * crash: `mesh up` (main net + 2 SPNs, from source) while clients on both SPNs send value transfers, token
 * transfers and cross-network messages; `kills` times a random SPN is killed with SIGKILL at a random moment and
 * restarted on its data dir (`mesh node start --config`); with `validators` > 1 (`--validators 4`) the main net runs
 * that many validator processes and validators 1… are victims too (one node down at a time, so never 2
 * validators; validator 0 is the SPNs' main-net RPC endpoint and stays up). Then: every acknowledged transaction is in a block
 * exactly once, every recipient's balance (ETH and token) is exactly what the included transfers sent, every
 * acknowledged message is delivered exactly once, `mesh node replay` of each SPN matches, and every validator
 * has the same hash at every main-net height.
 */
export const crash: Scenario = {
  name: 'crash',
  describe:
    'kill -9 random SPNs (and validators, with --validators N) of a running mesh while transfers and messages flow; nothing acknowledged lost',
  async run(o: ScenarioOptions): Promise<ScenarioResult> {
    const started = performance.now()
    // quick (npm test): 2 kills (with validators: an SPN and a validator) at 0.5–2 s intervals; full: 20 at 1.5–5.5 s
    const kills = o.quick ? 2 : 20
    const clock = createPhaseClock()
    const validatorCount = o.validators ?? 1
    const r = prng(o.seed)
    const failures: string[] = []
    const figures: Record<string, number | string> = {}
    const dataDir = join(o.workDir, 'crash')
    const running = new Map<string, Started>()
    let mainnetPids: number[] = []
    let spnPids: number[] = []
    try {
      ensureBuilt(o.log)
      clock.mark('build')
      const up = await runMesh(
        [
          'up',
          '--detach',
          '--json',
          '--spns',
          '2',
          '--block-time',
          '250',
          '--settle-interval',
          '2000',
          '--validators',
          String(validatorCount),
          '--data-dir',
          dataDir,
        ],
        300_000,
      )
      if (up.code !== 0) throw new Error(`mesh up failed (${up.code}): ${up.stderr.slice(-1500)}`)
      const state = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
        networks: NetworkState[]
      }
      const mains = state.networks.filter((n) => n.kind === 'mainnet')
      mainnetPids = mains.map((n) => n.pid)
      const spns = state.networks.filter((n) => n.kind === 'spn')
      spnPids = spns.map((n) => n.pid)
      const victims = [...spns, ...mains.slice(1)]
      const urls = new Map([...spns, ...mains].map((n) => [n.name, n.rpcUrl]))
      const nets: ClientNetwork[] = spns.map((n, i) => ({
        name: n.name,
        chainId: n.chainId,
        spnId: BigInt(i + 1),
        url: () => urls.get(n.name) as string,
      }))
      clock.mark('mesh up')
      o.log(`crash: mesh up (${spns.map((n) => n.name).join(', ')}); deploying the token`)
      const keys = devAccounts(8).map((a) => a.privateKey as Hex)
      const Token = (await compileSolidityFile(join(root, 'examples/contracts/Token.sol'))).contracts
        .Token as { abi: Abi; bytecode: Hex }
      const tokenOwner = privateKeyToAccount(keys[2] as Hex)
      const tokens = new Map<string, Hex>()
      // both networks' tokens deployed side by side
      const deploy = async (net: ClientNetwork) => {
        const nonce = Number(
          await call(net.url(), 'eth_getTransactionCount', [tokenOwner.address, 'pending']),
        )
        const raw = await tokenOwner.signTransaction({
          chainId: net.chainId,
          type: 'eip1559',
          nonce,
          gas: 3_000_000n,
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 1n,
          data: encodeDeployData({
            abi: Token.abi,
            bytecode: Token.bytecode,
            args: ['Soak', 'SOAK', 10n ** 30n],
          }),
        })
        const hash = await call(net.url(), 'eth_sendRawTransaction', [raw])
        await until(
          async () => (await call(net.url(), 'eth_getTransactionReceipt', [hash]))?.status === '0x1',
          60_000,
          `token on ${net.name}`,
        )
        tokens.set(net.name, getContractAddress({ from: tokenOwner.address, nonce: BigInt(nonce) }))
      }
      await Promise.all(nets.map(deploy))
      clock.mark('token')
      // fresh recipients per network and kind, so every balance is this run's alone
      const recipient = (i: number) =>
        privateKeyToAccount(`0x${(0xabc0000n + BigInt(i)).toString(16).padStart(64, '0')}` as Hex).address
      const sent: SentTx[] = []
      let clientsRunning = true
      const clients: Promise<void>[] = []
      for (const [i, net] of nets.entries()) {
        const other = nets[1 - i] as ClientNetwork
        clients.push(
          startSender({
            net,
            key: keys[1] as Hex,
            kind: 'value',
            recipients: [recipient(i * 100), recipient(i * 100 + 1)],
            sent,
            isRunning: () => clientsRunning,
          }),
        )
        clients.push(
          startSender({
            net,
            key: keys[2] as Hex,
            kind: 'token',
            recipients: [recipient(i * 100 + 10), recipient(i * 100 + 11)],
            token: { address: tokens.get(net.name) as Hex, abi: Token.abi },
            sent,
            isRunning: () => clientsRunning,
          }),
        )
        clients.push(
          startSender({
            net,
            key: keys[3] as Hex,
            kind: 'message',
            recipients: [recipient(i * 100 + 20)],
            dstSpn: other.spnId,
            sent,
            isRunning: () => clientsRunning,
          }),
        )
      }
      // the faults
      let survived = 0
      const killed: string[] = []
      for (let k = 0; k < kills; k++) {
        await sleep(o.quick ? 500 + r() * 1_500 : 1_500 + r() * 4_000)
        // with validators, every other kill is a validator's (so a short run kills one too)
        const pool = mains.length > 1 && k % 2 === 1 ? mains.slice(1) : victims
        const victim = pool[Math.floor(r() * pool.length)] as NetworkState
        const current = running.get(victim.name)
        if (current) await killAndWait(current)
        else {
          kill(victim.pid)
          await until(async () => !alive(victim.pid), 10_000, `${victim.name} to die`)
        }
        const restarted = await startReady(
          [...meshArgs, 'node', 'start', '--config', victim.configFile, '--json'],
          victim.logFile,
          180_000,
          true,
        )
        running.set(victim.name, restarted)
        urls.set(victim.name, restarted.ready.rpcUrl as string)
        survived++
        killed.push(victim.name)
        o.log(`crash: kill ${k + 1}/${kills}: ${victim.name} killed and back at ${restarted.ready.rpcUrl}`)
      }
      await sleep(o.quick ? 1_000 : 3_000)
      clientsRunning = false
      await Promise.all(clients)
      clock.mark('kills')
      const acked = sent.filter((t) => t.acked)
      o.log(
        `crash: ${sent.length} transactions sent (${acked.length} acknowledged); waiting for inclusion and delivery`,
      )
      // every acknowledged transaction is included (receipt), then counted once over every block
      const receipts = new Map<Hex, { block: number; status: string }>()
      await until(
        async () => {
          for (const net of nets) {
            const pending = sent.filter((t) => t.network === net.name && !receipts.has(t.hash))
            const rcs = await callBatch(
              net.url(),
              'eth_getTransactionReceipt',
              pending.map((t) => [t.hash]),
            )
            for (const [i, rc] of rcs.entries())
              if (rc)
                receipts.set((pending[i] as SentTx).hash, {
                  block: Number(rc.blockNumber),
                  status: rc.status,
                })
          }
          return acked.every((t) => receipts.has(t.hash))
        },
        120_000,
        'every acknowledged transaction to be included',
      ).catch(() => undefined)
      const lost = acked.filter((t) => !receipts.has(t.hash))
      clock.mark('inclusion')
      const seen = new Map<Hex, number>()
      for (const net of nets) {
        const head = Number(await call(net.url(), 'eth_blockNumber'))
        const heights = Array.from({ length: head }, (_, i) => [`0x${(i + 1).toString(16)}`, false])
        for (const b of await callBatch(net.url(), 'eth_getBlockByNumber', heights))
          for (const h of b.transactions as Hex[]) seen.set(h, (seen.get(h) ?? 0) + 1)
      }
      const duplicated = [...seen].filter(([, n]) => n > 1)
      const included = sent.filter((t) => receipts.has(t.hash))
      const failedTxs = included.filter((t) => receipts.get(t.hash)?.status !== '0x1')
      // balances: each recipient holds exactly what the included transfers sent it
      const wrong: string[] = []
      for (const net of nets) {
        const expect = new Map<string, bigint>()
        for (const t of included.filter((x) => x.network === net.name && x.kind !== 'message'))
          expect.set(`${t.kind}:${t.to}`, (expect.get(`${t.kind}:${t.to}`) ?? 0n) + t.amount)
        for (const [key, amount] of expect) {
          const [kind, to] = key.split(':') as [string, Hex]
          const got = BigInt(
            kind === 'value'
              ? await call(net.url(), 'eth_getBalance', [to, 'latest'])
              : await call(net.url(), 'eth_call', [
                  {
                    to: tokens.get(net.name),
                    data: encodeFunctionData({ abi: Token.abi, functionName: 'balanceOf', args: [to] }),
                  },
                  'latest',
                ]),
          )
          if (got !== amount) wrong.push(`${net.name} ${kind} balance of ${to}: ${got}, expected ${amount}`)
        }
      }
      clock.mark('blocks+balances')
      // messages: every included message is delivered exactly once at its destination
      const messages = included.filter((t) => t.kind === 'message')
      // the main net's pace while delivery is awaited: settlements (and so delivery) need its blocks
      const mainHead = async () => Number(await call(urls.get('mainnet') as string, 'eth_blockNumber'))
      const waitFrom = { head: await mainHead(), at: performance.now() }
      // past the wait, on while deliveries keep coming (proofs queue up on a loaded machine)
      const { delivered, undelivered, twice } = await awaitDelivery(
        nets,
        messages,
        o.quick ? 240_000 : 600_000,
        {
          stallMs: 120_000,
          maxMs: o.quick ? 780_000 : 1_500_000,
        },
      )
      clock.mark('delivery')
      const mainBlocksWhileWaiting = `${(await mainHead()) - waitFrom.head} in ${((performance.now() - waitFrom.at) / 1000).toFixed(0)} s`
      // every main-net validator (restarted ones at their new URLs) agrees on every height
      const agreement = await validatorAgreement(
        mains.map((n) => ({ name: n.name, url: () => urls.get(n.name) as string })),
        120_000,
      )
      failures.push(...agreement.failures)
      clock.mark('validator agreement')
      const validatorKills = killed.filter((n) => n.startsWith('mainnet')).length
      // replay each SPN's chain (nodes stopped first: the data dirs are quiet)
      for (const p of running.values()) await killAndWait(p)
      for (const pid of spnPids) kill(pid)
      for (const pid of mainnetPids) kill(pid)
      for (const pid of [...spnPids, ...mainnetPids])
        await until(async () => !alive(pid), 10_000, `pid ${pid} to exit`)
      // the SPNs' replays side by side (each is one process on its own stopped data dir)
      const reps = await Promise.all(
        spns.map((n) => runMesh(['node', 'replay', '--config', n.configFile, '--json'], 600_000)),
      )
      clock.mark('replay')
      const replays: string[] = []
      for (const [i, n] of spns.entries()) {
        const rep = reps[i] as Awaited<ReturnType<typeof runMesh>>
        const last = rep.stdout.trim().split('\n').at(-1) ?? ''
        try {
          const j = JSON.parse(last) as { ok: boolean; blocks: number; firstDifference?: unknown }
          replays.push(`${n.name}:${j.ok ? 'ok' : 'DIFF'}(${j.blocks} blocks)`)
          if (!j.ok)
            failures.push(
              `replay of ${n.name} differs: ${JSON.stringify(j.firstDifference ?? j).slice(0, 300)}`,
            )
        } catch {
          failures.push(
            `mesh node replay of ${n.name} printed no report (exit ${rep.code}): ${rep.stderr.slice(-400)}`,
          )
        }
      }
      Object.assign(figures, {
        'kills survived': `${survived}/${kills}`,
        'txs sent': sent.length,
        'txs acknowledged': acked.length,
        'unacknowledged but included': included.filter((t) => !t.acked).length,
        'acked txs lost': lost.length,
        'txs in two blocks': duplicated.length,
        'reverted txs': failedTxs.length,
        'balances checked': nets.length * 4,
        'wrong balances': wrong.length,
        'messages included': messages.length,
        'delivered once': delivered,
        'main-net blocks during delivery wait': mainBlocksWhileWaiting,
        replays: replays.join(' '),
        validators: validatorCount,
        'validator kills': validatorKills,
        'validator heights agreed': agreement.heights,
      })
      if (survived < kills) failures.push(`only ${survived} of ${kills} kills were survived`)
      if (lost.length)
        failures.push(
          `acknowledged transactions lost: ${lost
            .slice(0, 5)
            .map((t) => `${t.network} ${t.kind} ${t.hash}`)
            .join(', ')}`,
        )
      if (duplicated.length)
        failures.push(
          `transactions in more than one block: ${duplicated
            .slice(0, 5)
            .map(([h]) => h)
            .join(', ')}`,
        )
      if (failedTxs.length)
        failures.push(
          `reverted transfers: ${failedTxs
            .slice(0, 5)
            .map((t) => t.hash)
            .join(', ')}`,
        )
      failures.push(...wrong.slice(0, 5))
      if (undelivered.length)
        failures.push(
          `${undelivered.length} messages not delivered exactly once: ${undelivered.slice(0, 5).join('; ')}`,
        )
      if (twice.length) failures.push(`messages in an inbox twice: ${twice.slice(0, 5).join(', ')}`)
    } catch (err) {
      failures.push(`scenario aborted: ${(err as Error).message.slice(0, 2000)}`)
    } finally {
      try {
        const left = JSON.parse(readFileSync(join(dataDir, 'mesh.json'), 'utf8')) as {
          networks: { pid: number }[]
        }
        for (const n of left.networks)
          if (!spnPids.includes(n.pid) && !mainnetPids.includes(n.pid)) spnPids.push(n.pid)
      } catch {
        // no mesh recorded
      }
      for (const p of running.values()) kill(p.pid)
      for (const pid of spnPids) kill(pid)
      for (const pid of mainnetPids) kill(pid)
      figures['time s'] = clock.figure()
    }
    return {
      scenario: 'crash',
      ok: failures.length === 0,
      seconds: (performance.now() - started) / 1000,
      figures,
      failures,
    }
  },
}
