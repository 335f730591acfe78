import '@rollup-mesh/core/polyfill'
import { rmSync } from 'node:fs'
import { devAccounts, MAINNET_NETWORK } from '@rollup-mesh/core'
import {
  blsSeedOf,
  createMainnetNode,
  genesisValidatorOf,
  type MainnetNode,
  validatorGovernanceAbi,
} from '@rollup-mesh/mainnet'
import { createP2P, type GossipMessage, type P2P, signHeader } from '@rollup-mesh/p2p'
import { type Address, createWalletClient, defineChain, encodeFunctionData, type Hex, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, it } from 'vitest'
import type { SPNNode } from '../../src/index.js'
import { createSPNNode } from '../../src/index.js'
import { mainnetHeaderFields } from '../fixtures/mainnetHeader.js'
import { tempDir } from './helpers.js'

const MAIN_CHAIN_ID = 900
const EPOCH = 4
const keys = devAccounts(5).map((a) => a.privateKey as Hex)
const [govKey, operatorKey, strangerKey, , addedKey] = keys as [Hex, Hex, Hex, Hex, Hex]
const v0 = { ...genesisValidatorOf(govKey), power: 10 }
const added = genesisValidatorOf(addedKey)
const strangerAddress = privateKeyToAccount(strangerKey).address
const GOV = '0x0000000000000000000000000000000000001005' as Address
const dirs: string[] = []
const stops: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined)
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

const fakeHeader = (number: bigint, key: Hex) => signHeader(MAINNET_NETWORK, mainnetHeaderFields(number), key)

async function peerOf(spn: SPNNode): Promise<P2P> {
  const p = await createP2P({ subscriptions: [{ network: MAINNET_NETWORK, kinds: ['headers'] }] })
  await p.start()
  stops.push(() => p.stop())
  await p.dial(spn.p2p!.getMultiaddrs()[0]!)
  await waitFor(
    'the SPN to subscribe',
    () => p.getSubscribers(MAINNET_NETWORK, 'headers').includes(spn.p2p!.peerId),
    30_000,
  )
  return p
}

describe('SPN follows main-net headers from the main net validators only', () => {
  it('refuses a non-validator (score, no state), accepts the validators, follows a governance change', async () => {
    const mainDir = tempDir('spn-mainsig-main-')
    const spnDir = tempDir('spn-mainsig-spn-')
    dirs.push(mainDir, spnDir)
    const main: MainnetNode = createMainnetNode({
      config: {
        dataDir: mainDir,
        chainId: MAIN_CHAIN_ID,
        validatorKey: govKey,
        blockTimeMs: 200,
        genesisTimestamp: 1_700_000_000,
        governance: v0.address,
        logLevel: 'silent',
        consensus: { validators: [v0], blsSeed: blsSeedOf(govKey), epochLength: EPOCH },
      },
    })
    stops.push(() => main.stop())
    await main.start()
    const spn = createSPNNode({
      config: {
        spnId: 'spn1',
        chainId: 901,
        dataDir: spnDir,
        blockTimeMs: 1_000,
        decodeWorkers: 0,
        logLevel: 'silent',
        p2p: { enabled: true, bootstrap: main.p2p!.getMultiaddrs() },
        settlement: {
          mainnetRpcUrl: main.rpcUrl,
          mainnetChainId: MAIN_CHAIN_ID,
          operatorKey,
          intervalMs: 3_600_000,
          idleIntervalMs: 3_600_000,
          pollMs: 1_000,
          proverProcess: false,
        },
      },
    })
    stops.push(() => spn.stop())
    await spn.start()
    const seen: GossipMessage[] = []
    spn.p2p!.on('message', (m) => {
      if (m.network === MAINNET_NETWORK) seen.push(m)
    })
    const mainnetHeight = () => {
      const h = (spn.nodeInfo().heights as { mainnet?: Hex }).mainnet
      return h === undefined ? undefined : BigInt(h)
    }

    // the real validator's headers move the SPN's view of the main net
    await waitFor('the SPN to follow the main net', () => (mainnetHeight() ?? 0n) >= 3n, 60_000)

    // a stranger's headers (the 999,999 of the known gap) and those of a key not yet a validator: refused
    const attacker = await peerOf(spn)
    let n = 0n
    await waitFor(
      'the attacker to lose score',
      async () => {
        n++
        for (const key of [strangerKey, addedKey])
          void attacker
            .publishHeader(MAINNET_NETWORK, await fakeHeader(999_999n + n, key))
            .catch(() => undefined)
        return spn.p2p!.getScore(attacker.peerId) < 0 || spn.p2p!.isBanned(attacker.peerId)
      },
      60_000,
    )
    const signers = (ms: GossipMessage[]) =>
      ms.flatMap((m) => (m.kind === 'headers' ? [m.signer.toLowerCase()] : []))
    expect(signers(seen)).not.toContain(strangerAddress.toLowerCase())
    expect(signers(seen)).not.toContain(added.address.toLowerCase())
    expect(mainnetHeight()).toBeLessThan(999_999n)
    expect(new Set(signers(seen))).toEqual(new Set([v0.address.toLowerCase()]))

    // governance adds a validator: once the main net scheduled it, its headers are accepted
    const chain = defineChain({
      id: MAIN_CHAIN_ID,
      name: 'mainnet',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [main.rpcUrl] } },
    })
    const wallet = createWalletClient({ account: privateKeyToAccount(govKey), chain, transport: http() })
    await wallet.sendTransaction({
      to: GOV,
      data: encodeFunctionData({
        abi: validatorGovernanceAbi,
        functionName: 'addValidator',
        args: [added.address, added.blsPublicKey, added.proofOfPossession, 1n],
      }),
      gas: 1_000_000n,
    })
    const relay = await peerOf(spn)
    let m = 0n
    await waitFor(
      "the added validator's header to be accepted",
      async () => {
        m++
        void relay
          .publishHeader(MAINNET_NETWORK, await fakeHeader(main.chain.head().number + m, addedKey))
          .catch(() => undefined)
        return signers(seen).includes(added.address.toLowerCase())
      },
      60_000,
    )
    expect(spn.p2p!.getScore(relay.peerId)).toBeGreaterThanOrEqual(0)
    expect(signers(seen)).not.toContain(strangerAddress.toLowerCase())
  }, 180_000)
})
