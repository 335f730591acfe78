import { receiptsRootOf, transactionsRootOf } from '@rollup-mesh/chain'
import { InvalidParameterError, keccak256, MAINNET_NETWORK, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { decodeHeader, recoverHeaderSigner } from '@rollup-mesh/p2p/wire'
import { type CertificateInput, formatVerificationResult, verifyQuote } from '@rollup-mesh/tee-attest'
import { type VerificationKey, verifySettlement } from '@rollup-mesh/zk-bridge'
import {
  type Address,
  decodeEventLog,
  decodeFunctionData,
  encodeEventTopics,
  type Hash,
  type Hex,
  hexToBytes,
  isAddressEqual,
  parseTransaction,
} from 'viem'
import { settlementAbi } from './contracts.generated.js'
import {
  decodeSettlementHeader,
  settlementHeaderHash,
  settlementPublicSignals,
  settlementReportData,
} from './header.js'

/**
 * Everything needed to check, with no node running, that the main net accepted a settlement: the
 * settlement (header, proof, signals, quote) and the main-net block that accepted it (validator-signed
 * header, the block's transaction hashes and receipts, the submit transaction). JSON-safe: numbers that
 * may exceed 2^53 are decimal strings. The SPN's proof bundle (DESIGN §4) embeds one of these.
 */
export type SettlementAcceptance = {
  version: 1
  spnId: string
  settlementIndex: string
  /** The 288-byte ABI-encoded settlement header. */
  header: Hex
  /** `abi.encode(a, b, c)`, 256 bytes. */
  proof: Hex
  /** `[oldRoot, newRoot, startIndex, leafCount, settlementHash]`, decimal. */
  publicSignals: string[]
  quote: Hex
  mainnet: {
    network: string
    chainId: number
    settlement: Address
    blockNumber: string
    /** p2p's RLP header with the validator's signature (`mesh_getSignedHeader`). */
    signedHeader: Hex
    /** The block's transaction hashes, in order (their sha256 is the header's txRoot). */
    txHashes: Hash[]
    txIndex: number
    /** The signed submit transaction (`mesh_getRawTransaction`). */
    rawTx: Hex
    /** The block's receipts, in order (their digest is the header's receiptsRoot). */
    receipts: {
      status: number
      cumulativeGasUsed: string
      logs: { address: Address; topics: Hex[]; data: Hex }[]
    }[]
  }
}

type RequestClient = {
  request(args: { method: string; params?: unknown }): Promise<unknown>
}

/**
 * Reads a settlement accepted on the main net (`spnId`, 1-based `settlementIndex`) into a
 * `SettlementAcceptance`. `client` is any EIP-1193 client (viem's `PublicClient`) of a main-net node.
 */
export async function exportSettlementAcceptance(
  client: RequestClient,
  params: { spnId: bigint; settlementIndex: bigint },
): Promise<SettlementAcceptance> {
  const logs = (await client.request({
    method: 'eth_getLogs',
    params: [
      {
        fromBlock: '0x0',
        toBlock: 'latest',
        address: SYSTEM_ADDRESSES.mainnet.settlement,
        topics: encodeEventTopics({
          abi: settlementAbi,
          eventName: 'SettlementAccepted',
          args: { spnId: params.spnId, settlementIndex: params.settlementIndex },
        }),
      },
    ],
  })) as { transactionHash: Hash; blockNumber: Hex }[]
  const log = logs[0]
  if (!log)
    throw new InvalidParameterError({
      param: 'settlementIndex',
      expected: `an accepted settlement of SPN ${params.spnId}`,
      got: params.settlementIndex,
    })
  const block = (await client.request({
    method: 'eth_getBlockByNumber',
    params: [log.blockNumber, false],
  })) as {
    transactions: Hash[]
  }
  const receipts = await Promise.all(
    block.transactions.map(
      (hash) =>
        client.request({ method: 'eth_getTransactionReceipt', params: [hash] }) as Promise<{
          status: Hex
          cumulativeGasUsed: Hex
          logs: { address: Address; topics: Hex[]; data: Hex }[]
        }>,
    ),
  )
  const rawTx = (await client.request({
    method: 'mesh_getRawTransaction',
    params: [log.transactionHash],
  })) as Hex
  const signedHeader = (await client.request({
    method: 'mesh_getSignedHeader',
    params: [log.blockNumber],
  })) as Hex
  const chainId = Number(await client.request({ method: 'eth_chainId' }))
  const { args } = decodeFunctionData({ abi: settlementAbi, data: parseTransaction(rawTx).data ?? '0x' })
  const [header, proof, signals, quote] = args as readonly [Hex, Hex, readonly bigint[], Hex]
  return {
    version: 1,
    spnId: params.spnId.toString(),
    settlementIndex: params.settlementIndex.toString(),
    header,
    proof,
    publicSignals: signals.map(String),
    quote,
    mainnet: {
      network: MAINNET_NETWORK,
      chainId,
      settlement: SYSTEM_ADDRESSES.mainnet.settlement,
      blockNumber: BigInt(log.blockNumber).toString(),
      signedHeader,
      txHashes: block.transactions,
      txIndex: block.transactions.indexOf(log.transactionHash),
      rawTx,
      receipts: receipts.map((r) => ({
        status: Number(r.status),
        cumulativeGasUsed: BigInt(r.cumulativeGasUsed).toString(),
        logs: r.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data })),
      })),
    },
  }
}

export type AcceptanceCheckName =
  | 'header'
  | 'public-signals'
  | 'groth16'
  | 'tee-quote'
  | 'mainnet-header-signature'
  | 'mainnet-tx-inclusion'
  | 'mainnet-tx-calldata'
  | 'mainnet-receipt'

export type AcceptanceCheck = { name: AcceptanceCheckName; ok: boolean; detail: string }

export type AcceptanceVerification = {
  ok: boolean
  /** Every check, in order; the first failed one is `failed`. */
  checks: AcceptanceCheck[]
  failed?: AcceptanceCheckName
}

export type VerifyAcceptanceOptions = {
  /** The settlement circuit's verifying key (zk-bridge's `verification_key.json`). */
  vkey: VerificationKey
  /** The SPN's registered enclave measurements. */
  measurements: readonly (Hex | Uint8Array)[]
  /** The SPN's registered simulated dev roots (DER); empty/absent: hardware roots only. */
  simulatedRoots?: readonly CertificateInput[]
  /** Hardware roots; default tee-attest's (Intel SGX Root CA). */
  trustedRoots?: readonly CertificateInput[]
  /** The main-net validator whose signature the block header must carry. */
  validator: Address
  /** Certificate time for the quote; default the main-net block's timestamp. */
  now?: Date
}

/**
 * Checks a `SettlementAcceptance` offline, reporting each check: the header decodes; the public signals
 * are the header's; the Groth16 proof verifies with `vkey` (a settlement without leaves may carry none: its exit
 * root must then be unchanged); the quote verifies with the measurements and
 * report data `keccak256(header) ‖ 0^32`; the main-net block header is signed by `validator`; the submit
 * transaction is in that block (txRoot); it called `Settlement.submit` with exactly this settlement; and
 * its receipt (receiptsRoot) succeeded with a `SettlementAccepted` for this header. Never throws for bad
 * data: a failure is a check with `ok: false`.
 */
export async function verifySettlementAcceptance(
  acceptance: SettlementAcceptance,
  options: VerifyAcceptanceOptions,
): Promise<AcceptanceVerification> {
  const checks: AcceptanceCheck[] = []
  const check = async (name: AcceptanceCheckName, fn: () => string | Promise<string>): Promise<boolean> => {
    try {
      checks.push({ name, ok: true, detail: await fn() })
      return true
    } catch (error) {
      checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) })
      return false
    }
  }
  const fail = (message: string): never => {
    throw new InvalidParameterError({ param: 'acceptance', expected: message, got: undefined })
  }
  const m = acceptance.mainnet
  let ok = await check('header', () => {
    const h = decodeSettlementHeader(acceptance.header)
    if (h.spnId.toString() !== acceptance.spnId) fail(`header.spnId ${h.spnId} to equal ${acceptance.spnId}`)
    return `SPN ${h.spnId}, blocks ${h.fromBlock}-${h.toBlock}, ${h.leafCount} leaves at ${h.startIndex}`
  })
  // Settlement.sol accepts a settlement without leaves with empty proof bytes: its exit root cannot change.
  const proofFree =
    acceptance.proof === '0x' && ok && decodeSettlementHeader(acceptance.header).leafCount === 0n
  ok &&= await check('public-signals', () => {
    if (proofFree) return 'none: no leaves, no proof'
    const expected = settlementPublicSignals(decodeSettlementHeader(acceptance.header)).map(String)
    const names = ['oldRoot', 'newRoot', 'startIndex', 'leafCount', 'settlementHash']
    for (const [i, name] of names.entries())
      if (acceptance.publicSignals[i] !== expected[i])
        fail(`public signal ${name} to be the header's (${expected[i]})`)
    return 'bound to the header'
  })
  ok &&= await check('groth16', async () => {
    if (proofFree) {
      const h = decodeSettlementHeader(acceptance.header)
      if (h.newExitRoot !== h.prevExitRoot)
        fail('newExitRoot to equal prevExitRoot in a settlement without a proof')
      return 'not needed: no leaves, and the exit root is unchanged'
    }
    const [a, b, c] = decodeProof(acceptance.proof)
    const proof = {
      pi_a: [a[0], a[1], '1'],
      pi_b: [
        [b[0][1], b[0][0]],
        [b[1][1], b[1][0]],
        ['1', '0'],
      ],
      pi_c: [c[0], c[1], '1'],
      protocol: 'groth16' as const,
      curve: 'bn128' as const,
    }
    if (!(await verifySettlement(options.vkey, proof, acceptance.publicSignals)))
      fail('a Groth16 proof that verifies')
    return 'verifies against the verifying key'
  })
  let blockTimestamp: bigint | undefined
  let signed: ReturnType<typeof decodeHeader> | undefined
  ok &&= await check('tee-quote', () => {
    signed = decodeHeader(hexToBytes(m.signedHeader))
    blockTimestamp = signed.timestamp
    const result = verifyQuote(hexToBytes(acceptance.quote), {
      allowedMeasurements: options.measurements,
      expectedReportData: settlementReportData(acceptance.header),
      ...(options.simulatedRoots?.length
        ? { simulatedRoots: options.simulatedRoots, allowSimulated: true }
        : {}),
      ...(options.trustedRoots ? { trustedRoots: options.trustedRoots } : {}),
      now: options.now ?? new Date(Number(blockTimestamp) * 1000),
    })
    if (!result.ok) fail(`a quote that verifies (${formatVerificationResult(result)})`)
    return formatVerificationResult(result)
  })
  ok &&= await check('mainnet-header-signature', async () => {
    const header = signed ?? decodeHeader(hexToBytes(m.signedHeader))
    if (header.number.toString() !== m.blockNumber)
      fail(`header number ${header.number} to be ${m.blockNumber}`)
    const signer = await recoverHeaderSigner(m.network, header)
    if (!isAddressEqual(signer, options.validator))
      fail(`the validator ${options.validator} as signer, not ${signer}`)
    return `block ${header.number} signed by ${signer}`
  })
  ok &&= await check('mainnet-tx-inclusion', () => {
    const header = signed ?? decodeHeader(hexToBytes(m.signedHeader))
    if (transactionsRootOf(m.txHashes) !== header.txRoot)
      fail("the block's transaction hashes to match its txRoot")
    if (keccak256(m.rawTx) !== m.txHashes[m.txIndex])
      fail(`transaction ${m.txIndex} to be the submit transaction`)
    return `transaction ${m.txIndex} of ${m.txHashes.length}`
  })
  ok &&= await check('mainnet-tx-calldata', () => {
    const tx = parseTransaction(m.rawTx)
    if (!tx.to || !isAddressEqual(tx.to, m.settlement)) fail(`a call to Settlement ${m.settlement}`)
    const { functionName, args } = decodeFunctionData({ abi: settlementAbi, data: tx.data ?? '0x' })
    if (functionName !== 'submit') fail('a call to Settlement.submit')
    const [header, proof, signals, quote] = args as readonly [Hex, Hex, readonly bigint[], Hex]
    if (header !== acceptance.header || proof !== acceptance.proof || quote !== acceptance.quote)
      fail('the submitted header, proof and quote to be the bundle')
    if (signals.map(String).join() !== acceptance.publicSignals.join())
      fail('the submitted public signals to be the bundle')
    return 'Settlement.submit with this settlement'
  })
  ok &&= await check('mainnet-receipt', () => {
    const header = signed ?? decodeHeader(hexToBytes(m.signedHeader))
    const receipts = m.receipts.map((r) => ({ ...r, cumulativeGasUsed: BigInt(r.cumulativeGasUsed) }))
    if (receiptsRootOf(receipts) !== header.receiptsRoot)
      fail("the block's receipts to match its receiptsRoot")
    const receipt = m.receipts[m.txIndex]
    if (receipt?.status !== 1) fail('the submit transaction to have succeeded')
    const headerHash = settlementHeaderHash(acceptance.header)
    const accepted = (receipt?.logs ?? [])
      .filter((l) => isAddressEqual(l.address, m.settlement))
      .map((l) => {
        try {
          return decodeEventLog({
            abi: settlementAbi,
            eventName: 'SettlementAccepted',
            topics: l.topics as [Hex],
            data: l.data,
          })
        } catch {
          return undefined
        }
      })
      .find((e) => e?.args?.headerHash === headerHash)
    if (!accepted) fail('a SettlementAccepted event for this header')
    return `SettlementAccepted #${accepted?.args?.settlementIndex}`
  })
  const failed = checks.find((c) => !c.ok)?.name
  return { ok: ok && !failed, checks, ...(failed ? { failed } : {}) }
}

function decodeProof(proof: Hex): [[string, string], [[string, string], [string, string]], [string, string]] {
  const bytes = hexToBytes(proof)
  if (bytes.length !== 256)
    throw new InvalidParameterError({
      param: 'proof',
      expected: '256 bytes (abi-encoded a, b, c)',
      got: proof,
    })
  const w = (i: number) =>
    BigInt(`0x${Buffer.from(bytes.subarray(i * 32, i * 32 + 32)).toString('hex')}`).toString()
  return [
    [w(0), w(1)],
    [
      [w(2), w(3)],
      [w(4), w(5)],
    ],
    [w(6), w(7)],
  ]
}
