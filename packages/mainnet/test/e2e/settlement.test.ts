import '@rollup-mesh/core/polyfill'
import { join } from 'node:path'
import { devAccounts, MAINNET_NETWORK, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { createP2P, type GossipMessage, type P2P } from '@rollup-mesh/p2p'
import { decodeQuote, type SimulatedEnclave } from '@rollup-mesh/tee-attest'
import { getSettlementArtifacts, releaseZkThreads } from '@rollup-mesh/zk-bridge'
import {
  type Address,
  bytesToHex,
  createPublicClient,
  createWalletClient,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  type PublicClient,
  parseEther,
  toHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkSettlement,
  deregisterSPN,
  exportSettlementAcceptance,
  mainnetContracts,
  readFinalizedExitRoot,
  readMailbox,
  readSettlementTip,
  readSPN,
  registerSPN,
  SETTLEMENT_VK_HASH,
  type SettlementAcceptance,
  type SettlementHeader,
  SettlementRejectedError,
  settlementAcceptedEvents,
  settlementHeaderHash,
  settlementPublicSignals,
  settlementReportData,
  submitSettlement,
  verifySettlementAcceptance,
} from '../../src/index.js'
import {
  type BuiltSettlement,
  buildSettlements,
  createTestEnclave,
  GENESIS_STATE_ROOT,
  MEASUREMENT,
  OTHER_MEASUREMENT,
  SPN_CHAIN_ID,
  SPN_ID,
  tempDir,
} from '../fixtures.js'
import { type RunningMainnet, startMainnet, stopMainnet } from './helpers.js'

const [governance, operator, stranger] = devAccounts(3)
const CHAIN_ID = 900

describe('main net: SPN registry and settlement acceptance (child process over JSON-RPC)', () => {
  let node: RunningMainnet | undefined
  let client: PublicClient
  let enclave: SimulatedEnclave
  let enclaveDir: string
  let s1: BuiltSettlement
  let s2: BuiltSettlement
  let peer: P2P | undefined
  const headers: GossipMessage[] = []
  const settlements: GossipMessage[] = []
  const wallet = (key: Hex) =>
    createWalletClient({ account: privateKeyToAccount(key), chain: node?.chain, transport: http(node?.url) })

  beforeAll(async () => {
    const dir = tempDir('mainnet-e2e-')
    enclaveDir = join(dir, 'spn1')
    enclave = await createTestEnclave(enclaveDir)
    // Start the node while the two proofs are generated (about 3 s of CPU each).
    const [started, built] = await Promise.all([
      startMainnet({ dataDir: join(dir, 'mainnet'), chainId: CHAIN_ID, blockTimeMs: 200 }),
      buildSettlements(enclave, [3, 2]),
    ])
    node = started
    ;[s1, s2] = built as [BuiltSettlement, BuiltSettlement]
    client = createPublicClient({
      chain: node.chain,
      transport: http(node.url),
      pollingInterval: 100,
    }) as PublicClient
  }, 240_000)

  afterAll(async () => {
    await peer?.stop()
    await stopMainnet(node)
    await releaseZkThreads()
  })

  const args = (
    s: BuiltSettlement,
    over: Partial<{
      header: SettlementHeader | Hex
      proof: Hex
      publicSignals: readonly bigint[]
      quote: Uint8Array | Hex
    }> = {},
  ) => ({
    header: over.header ?? s.encodedHeader,
    proof: over.proof ?? s.proofBytes,
    publicSignals: over.publicSignals ?? s.publicSignals,
    quote: over.quote ?? s.quote,
  })
  const reasonOf = async (
    s: BuiltSettlement,
    over: Parameters<typeof args>[1] = {},
    from: Address = operator!.address,
  ) => {
    const r = await checkSettlement(client, from, args(s, over))
    return r.ok ? 'accepted' : r.reason
  }

  /** Submits a settlement, expects it accepted as `event` and the Mailbox at `mailbox`; returns the receipt. */
  const submitAccepted = async (
    settlement: Parameters<typeof submitSettlement>[1],
    event: { settlementIndex: bigint; startIndex: bigint; leafCount: bigint },
    mailbox: Awaited<ReturnType<typeof readMailbox>>,
  ) => {
    const hash = await submitSettlement(wallet(operator!.privateKey), settlement)
    const receipt = await client.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    expect(settlementAcceptedEvents(receipt)[0]).toMatchObject(event)
    expect(await readMailbox(client, SPN_ID)).toEqual(mailbox)
    return receipt
  }

  /** What `verifySettlementAcceptance` needs to check this node's settlements offline. */
  const verifyOptions = async () => ({
    vkey: (await getSettlementArtifacts()).vkey,
    measurements: [MEASUREMENT],
    simulatedRoots: [enclave.rootCertificateDer],
    validator: node!.validator,
  })

  it('starts with the system contracts in genesis, a signed-header gossip topic and the registry owned by governance', async () => {
    expect(await client.getChainId()).toBe(CHAIN_ID)
    for (const address of Object.values(SYSTEM_ADDRESSES.mainnet).filter(
      (a) => a !== SYSTEM_ADDRESSES.mainnet.quoteVerifier,
    ))
      expect((await client.getCode({ address }))?.length ?? 0).toBeGreaterThan(100)
    const owner = await client.readContract({ ...mainnetContracts.spnRegistry, functionName: 'owner' })
    expect(owner.toLowerCase()).toBe(governance!.address.toLowerCase())
    const verifier = await client.readContract({
      ...mainnetContracts.spnRegistry,
      functionName: 'verifiers',
      args: [SETTLEMENT_VK_HASH],
    })
    expect(verifier.toLowerCase()).toBe(SYSTEM_ADDRESSES.mainnet.groth16Verifier)
    expect(node!.validator.toLowerCase()).toBe(governance!.address.toLowerCase())
  })

  it('gossips every block header signed by the validator on /rollup-mesh/1/mainnet/headers', async () => {
    peer = await createP2P({
      subscriptions: [{ network: MAINNET_NETWORK, kinds: ['headers', 'settlements'] }],
      producers: { [MAINNET_NETWORK]: node!.validator },
      bootstrap: node!.multiaddrs,
      heartbeatIntervalMs: 200,
    })
    peer.on('message', (m) => (m.kind === 'headers' ? headers : settlements).push(m))
    await peer.start()
    const deadline = Date.now() + 20_000
    while (headers.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(headers.length).toBeGreaterThanOrEqual(2)
    const m = headers[0]!
    expect(m.kind).toBe('headers')
    if (m.kind !== 'headers') return
    expect(m.signer.toLowerCase()).toBe(node!.validator.toLowerCase())
    const block = await client.getBlock({ blockNumber: m.header.number })
    expect(m.header.stateRoot).toBe(block.stateRoot)
    expect(m.header.parentHash).toBe(block.parentHash)
  }, 30_000)

  it('only governance registers an SPN; the registry returns what was registered', async () => {
    const registration = {
      spnId: SPN_ID,
      chainId: SPN_CHAIN_ID,
      operator: operator!.address,
      measurements: [MEASUREMENT],
      simulatedRoots: [enclave.rootCertificateDer],
      vkHash: SETTLEMENT_VK_HASH,
      genesisStateRoot: GENESIS_STATE_ROOT,
      bond: parseEther('1'),
    }
    await expect(registerSPN(wallet(stranger!.privateKey), registration)).rejects.toThrow(
      /SPNRegistry: caller is not the owner/,
    )
    await expect(registerSPN(wallet(governance!.privateKey), { ...registration, bond: 1n })).rejects.toThrow(
      /SPNRegistry: bond below minBond/,
    )
    const hash = await registerSPN(wallet(governance!.privateKey), registration)
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success')
    const spn = await readSPN(client, SPN_ID)
    expect(spn).toMatchObject({
      chainId: SPN_CHAIN_ID,
      status: 'active',
      vkHash: SETTLEMENT_VK_HASH,
      bond: parseEther('1'),
    })
    expect(spn.operator.toLowerCase()).toBe(operator!.address.toLowerCase())
    expect(spn.measurements).toEqual([MEASUREMENT])
    expect(spn.simulatedRoots).toEqual([bytesToHex(enclave.rootCertificateDer)])
    const tip = await readSettlementTip(client, SPN_ID)
    expect(tip).toMatchObject({ count: 0n, toBlock: 0n, nextStartIndex: 0n, stateRoot: GENESIS_STATE_ROOT })
    expect(BigInt(tip.exitRoot)).toBe(BigInt(s1.header.prevExitRoot))
  })

  it('rejects, with a reason, each bad first settlement', async () => {
    // unregistered SPN
    const other = { ...s1.header, spnId: 7n }
    expect(await reasonOf(s1, { header: other })).toBe('Settlement: SPN not registered')
    // only the operator submits
    expect(await reasonOf(s1, {}, stranger!.address)).toBe('Settlement: sender is not the SPN operator')
    // a range that skips block 1
    expect(await reasonOf(s1, { header: { ...s1.header, fromBlock: 2n } })).toBe(
      'Settlement: block range skips blocks after the last settlement',
    )
    // tampered public signals: each one is bound to the header
    const names = ['oldRoot', 'newRoot', 'startIndex', 'leafCount', 'settlementHash']
    for (const [i, name] of names.entries()) {
      const signals = [...s1.publicSignals]
      signals[i] = (signals[i] as bigint) + 1n
      expect(await reasonOf(s1, { publicSignals: signals })).toMatch(
        new RegExp(`public signal ${name} is not`),
      )
    }
    // a header changed consistently with its signals: the proof no longer verifies
    const altered = { ...s1.header, newStateRoot: s2.header.newStateRoot }
    expect(
      await reasonOf(s1, {
        header: altered,
        publicSignals: settlementPublicSignals(altered),
        quote: enclave.quote(settlementReportData(altered)),
      }),
    ).toBe('Settlement: invalid Groth16 proof')
    // forged proof: another settlement's valid proof, and a proof with a point moved
    expect(await reasonOf(s1, { proof: s2.proofBytes })).toBe('Settlement: invalid Groth16 proof')
    const forged = `${s1.proofBytes.slice(0, 2 + 64 * 6)}${s2.proofBytes.slice(2 + 64 * 6)}` as Hex
    expect(await reasonOf(s1, { proof: forged })).toBe('Settlement: invalid Groth16 proof')
    expect(await reasonOf(s1, { proof: '0x1234' })).toBe(
      'Settlement: proof must be 256 bytes (abi-encoded a, b, c)',
    )
    // quotes: wrong measurement, another header, not a quote
    const impostor = await createTestEnclave(enclaveDir, OTHER_MEASUREMENT)
    expect(await reasonOf(s1, { quote: impostor.quote(settlementReportData(s1.header)) })).toBe(
      'Settlement: quote rejected: measurement-not-allowed',
    )
    expect(await reasonOf(s1, { quote: enclave.quote(settlementReportData(s2.header)) })).toBe(
      'Settlement: quote rejected: report-data-mismatch',
    )
    expect(await reasonOf(s1, { quote: '0xdeadbeef' })).toBe('Settlement: quote rejected: malformed')
    // a v5 quote whose body descriptor names an unknown body type, or another body size
    const v5 = enclave.quote(settlementReportData(s1.header))
    const unknownBody = v5.slice()
    unknownBody[48] = 9
    expect(await reasonOf(s1, { quote: unknownBody })).toBe('Settlement: quote rejected: unsupported-quote')
    const otherSize = v5.slice()
    otherSize[50]! ^= 1
    expect(await reasonOf(s1, { quote: otherSize })).toBe('Settlement: quote rejected: malformed')
    // a malformed header
    expect(await reasonOf(s1, { header: `${s1.encodedHeader}00` })).toBe(
      'Settlement: header must be 288 bytes (abi-encoded SettlementHeader)',
    )
    // and the genuine one passes
    expect(await reasonOf(s1)).toBe('accepted')
  })

  it('accepts a valid settlement: SettlementAccepted, Mailbox root finalized, tip advanced', async () => {
    const started = performance.now()
    const hash = await submitSettlement(wallet(operator!.privateKey), args(s1))
    const receipt = await client.waitForTransactionReceipt({ hash })
    const ms = performance.now() - started
    expect(receipt.status).toBe('success')
    const [event] = settlementAcceptedEvents(receipt)
    expect(event).toMatchObject({
      spnId: SPN_ID,
      settlementIndex: 1n,
      headerHash: settlementHeaderHash(s1.header),
      fromBlock: 1n,
      toBlock: 10n,
      newExitRoot: s1.header.newExitRoot,
      startIndex: 0n,
      leafCount: 3n,
      simulatedTee: true,
    })
    expect(await readMailbox(client, SPN_ID)).toEqual({
      latestExitRoot: s1.header.newExitRoot,
      nextLeafIndex: 16n,
      settlementCount: 1n,
    })
    expect(await readFinalizedExitRoot(client, SPN_ID, s1.header.newExitRoot)).toEqual({
      settlementIndex: 1n,
      blockNumber: receipt.blockNumber,
      toBlock: 10n,
    })
    const isFinal = await client.readContract({
      ...mainnetContracts.mailbox,
      functionName: 'isFinalized',
      args: [SPN_ID, s2.header.newExitRoot],
    })
    expect(isFinal).toBe(false)
    expect(await readSettlementTip(client, SPN_ID)).toMatchObject({
      count: 1n,
      toBlock: 10n,
      nextStartIndex: 16n,
      stateRoot: s1.header.newStateRoot,
      exitRoot: s1.header.newExitRoot,
    })
    // The validator gossips the accepted settlement on /rollup-mesh/1/mainnet/settlements.
    const deadline = Date.now() + 10_000
    while (settlements.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    const gossiped = settlements[0]
    expect(gossiped?.kind).toBe('settlements')
    if (gossiped?.kind === 'settlements') {
      expect(gossiped.signer.toLowerCase()).toBe(node!.validator.toLowerCase())
      expect(gossiped.settlement).toMatchObject({
        spnId: SPN_ID,
        fromBlock: 1n,
        toBlock: 10n,
        newExitRoot: s1.header.newExitRoot,
        leaves: 3n,
        proof: s1.proofBytes,
      })
    }
    process.stdout.write(
      `settlement 1 accepted: ${receipt.gasUsed} gas, submit→receipt ${Math.round(ms)} ms\n`,
    )
  })

  it('rejects a replayed settlement, a re-settled range and a skipped range; a mined rejection reverts without an event', async () => {
    expect(await reasonOf(s1)).toBe('Settlement: settlement already accepted')
    await expect(submitSettlement(wallet(operator!.privateKey), args(s1))).rejects.toThrow(
      SettlementRejectedError,
    )
    const overlap = { ...s2.header, fromBlock: 5n }
    expect(await reasonOf(s2, { header: overlap })).toBe('Settlement: block range already settled')
    const skip = { ...s2.header, fromBlock: 12n, toBlock: 20n }
    expect(await reasonOf(s2, { header: skip })).toBe(
      'Settlement: block range skips blocks after the last settlement',
    )
    expect(await reasonOf(s2, { header: { ...s2.header, prevStateRoot: GENESIS_STATE_ROOT } })).toBe(
      'Settlement: prevStateRoot is not the last accepted state root',
    )
    expect(await reasonOf(s2, { header: { ...s2.header, startIndex: 0n } })).toBe(
      'Settlement: startIndex is not the next exit-tree batch',
    )
    // Sent with a fixed gas limit, the replay is mined and reverts.
    const hash = await submitSettlement(wallet(operator!.privateKey), { ...args(s1), gas: 3_000_000n })
    const receipt = await client.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('reverted')
    expect(settlementAcceptedEvents(receipt)).toEqual([])
  })

  it('accepts the next settlement on top of the first (startIndex 16)', async () => {
    const receipt = await submitAccepted(
      args(s2),
      { settlementIndex: 2n, startIndex: 16n, leafCount: 2n },
      { latestExitRoot: s2.header.newExitRoot, nextLeafIndex: 32n, settlementCount: 2n },
    )
    process.stdout.write(`settlement 2 accepted: ${receipt.gasUsed} gas\n`)
  })

  it('exports an accepted settlement with its main-net block; it verifies offline and a tampered copy names the failed check', async () => {
    const exported = await exportSettlementAcceptance(client, { spnId: SPN_ID, settlementIndex: 1n })
    const acceptance = JSON.parse(JSON.stringify(exported)) as SettlementAcceptance
    const options = await verifyOptions()
    // the accepted quote is DCAP v5 (the simulated enclave's default), SGX body
    expect(decodeQuote(hexToBytes(acceptance.quote)).header.version).toBe(5)
    const good = await verifySettlementAcceptance(acceptance, options)
    expect(good.checks.filter((c) => !c.ok)).toEqual([])
    expect(good.ok).toBe(true)
    expect(good.checks.map((c) => c.name)).toEqual([
      'header',
      'public-signals',
      'groth16',
      'tee-quote',
      'mainnet-header-signature',
      'mainnet-tx-inclusion',
      'mainnet-tx-calldata',
      'mainnet-receipt',
    ])
    const flip = (hex: Hex, at: number): Hex => {
      const b = hexToBytes(hex)
      b[at] = (b[at] ?? 0) ^ 1
      return bytesToHex(b)
    }
    const failedOf = async (tamper: (a: SettlementAcceptance) => void, opts = options) => {
      const copy = JSON.parse(JSON.stringify(acceptance)) as SettlementAcceptance
      tamper(copy)
      return (await verifySettlementAcceptance(copy, opts)).failed
    }
    expect(await failedOf((a) => (a.header = flip(a.header, 100)))).toBe('public-signals')
    expect(await failedOf((a) => (a.proof = s2.proofBytes))).toBe('groth16')
    expect(await failedOf((a) => (a.quote = flip(a.quote, 400)))).toBe('tee-quote')
    expect(await failedOf((a) => (a.quote = flip(a.quote, 50)))).toBe('tee-quote') // v5 body size
    expect(await failedOf(() => undefined, { ...options, validator: stranger!.address })).toBe(
      'mainnet-header-signature',
    )
    expect(await failedOf((a) => a.mainnet.txHashes.reverse().push(a.mainnet.txHashes[0]!))).toBe(
      'mainnet-tx-inclusion',
    )
    expect(await failedOf((a) => (a.mainnet.receipts[a.mainnet.txIndex]!.status = 0))).toBe('mainnet-receipt')
  })

  it('accepts a settlement without leaves and without a proof; its exit root may not change; it verifies offline', async () => {
    const header: SettlementHeader = {
      ...s2.header,
      fromBlock: s2.header.toBlock + 1n,
      toBlock: s2.header.toBlock + 5n,
      prevStateRoot: s2.header.newStateRoot,
      newStateRoot: keccak256(toHex('spn1 state 3 (no exits)')),
      prevExitRoot: s2.header.newExitRoot,
      newExitRoot: s2.header.newExitRoot,
      startIndex: 32n,
      leafCount: 0n,
    }
    const proofFree = (h: SettlementHeader) => ({
      header: h,
      proof: '0x' as Hex,
      publicSignals: [0n, 0n, 0n, 0n, 0n] as readonly bigint[],
      quote: enclave.quote(settlementReportData(h)),
    })
    const moved = { ...header, newExitRoot: s1.header.newExitRoot }
    expect(await reasonOf(s2, proofFree(moved))).toBe('Settlement: no leaves but the exit root changed')
    // leaves without a proof: the proof check still runs
    expect(await reasonOf(s2, { ...proofFree({ ...header, leafCount: 1n }) })).toMatch(
      /^Settlement: public signal/,
    )
    const receipt = await submitAccepted(
      proofFree(header),
      { settlementIndex: 3n, startIndex: 32n, leafCount: 0n },
      { latestExitRoot: s2.header.newExitRoot, nextLeafIndex: 48n, settlementCount: 3n },
    )
    const acceptance = await exportSettlementAcceptance(client, { spnId: SPN_ID, settlementIndex: 3n })
    const options = await verifyOptions()
    const verified = await verifySettlementAcceptance(acceptance, options)
    expect(verified.checks.filter((c) => !c.ok)).toEqual([])
    expect(verified.checks.find((c) => c.name === 'groth16')?.detail).toMatch(/not needed/)
    process.stdout.write(`settlement 3 (no leaves, no proof) accepted: ${receipt.gasUsed} gas\n`)
  })

  it('a deregistered SPN cannot settle; its bond goes back to the operator', async () => {
    const before = await client.getBalance({ address: operator!.address })
    const hash = await deregisterSPN(wallet(governance!.privateKey), SPN_ID)
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success')
    expect(await client.getBalance({ address: operator!.address })).toBe(before + parseEther('1'))
    const next = { ...s2.header, fromBlock: 21n, toBlock: 30n }
    expect(await reasonOf(s2, { header: next })).toBe('Settlement: SPN not active')
  })

  it('keeps its chain across a restart and stops cleanly on SIGTERM', async () => {
    const head = await client.getBlockNumber()
    expect(await stopMainnet(node, 'SIGTERM')).toBe(0)
    node = await startMainnet({ dataDir: node!.dataDir, chainId: CHAIN_ID, blockTimeMs: 200 })
    client = createPublicClient({
      chain: node.chain,
      transport: http(node.url),
      pollingInterval: 100,
    }) as PublicClient
    expect(await client.getBlockNumber()).toBeGreaterThanOrEqual(head)
    expect((await readMailbox(client, SPN_ID)).settlementCount).toBe(3n) // the two proved and the proof-free one
    expect((await readSPN(client, SPN_ID)).status).toBe('deregistered')
  }, 60_000)
})
