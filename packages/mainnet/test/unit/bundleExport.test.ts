import { decodeHeader } from '@rollup-mesh/p2p/wire'
import { type Hash, type Hex, hexToBytes, MethodNotFoundRpcError, numberToHex, RpcRequestError } from 'viem'
import { describe, expect, it } from 'vitest'
import { bundleHeaderHash } from '../../src/bundle/chainHeader.js'
import {
  type BundleHeader,
  exportBundleCommit,
  exportProofBundle,
  type ProofBundle,
  verifyBundleCommit,
  verifyProofBundle,
} from '../../src/bundle.js'
import { certify, encodeCert, header, type TestSet, testSet, v1Bundle, v2Bundle } from '../bundleCommit.js'

const A = testSet([1, 1, 1, 1], 1)
const B = testSet([1, 1, 1], 40)

type Call = { method: string; params?: unknown }
type Handler = (params: unknown[]) => unknown

/** An EIP-1193 client over `handlers`; an unknown method fails as viem reports a node's -32601. */
function fakeClient(handlers: Record<string, Handler>, seen: string[] = []) {
  return {
    async request({ method, params }: Call): Promise<unknown> {
      seen.push(method)
      const h = handlers[method]
      if (!h)
        throw new MethodNotFoundRpcError(
          new RpcRequestError({
            body: { method, params },
            error: { code: -32601, message: `the method ${method} does not exist/is not available` },
            url: 'http://127.0.0.1:0',
          }),
          { method },
        )
      return h((params ?? []) as unknown[])
    },
  }
}

const validatorsJSON = (s: TestSet, number: number, next: TestSet = s) => ({
  number: numberToHex(number),
  validatorsHash: s.set.hash,
  nextValidatorsHash: next.set.hash,
  epochLength: 100,
  validators: s.validators,
})

/**
 * The SPN and main-net RPC a real export reads, answered from the v1 fixture (a bundle exported from a
 * real mesh) and, when `bft`, the BFT methods of `expected` (the fixture made version 2).
 */
function fixtureNodes(expected: ProofBundle, bft: boolean) {
  const b = expected
  const m = b.acceptance.mainnet
  const c = b.commit!
  const signed = decodeHeader(hexToBytes(m.signedHeader))
  const spn = fakeClient({
    mesh_getExitProof: () => ({
      index: b.message.position,
      batch: Number(b.acceptance.settlementIndex) - 1,
      leaf: b.inclusion.leaf,
      root: b.inclusion.root,
      siblings: b.inclusion.siblings,
      message: {
        messageIndex: numberToHex(BigInt(b.message.messageIndex)),
        block: numberToHex(BigInt(b.message.sourceBlock)),
        txHash: b.message.sourceTxHash,
        srcSpn: numberToHex(BigInt(b.message.srcSpn)),
        dstSpn: numberToHex(BigInt(b.message.dstSpn)),
        sender: b.message.sender,
        to: b.message.to,
        value: numberToHex(BigInt(b.message.value)),
        data: b.message.data,
      },
    }),
  })
  const block = { ...c.header, hash: bundleHeaderHash(c.header), transactions: m.txHashes }
  const seen: string[] = []
  const mainnet = {
    ...fakeClient(
      {
        eth_getLogs: () => [
          { transactionHash: m.txHashes[m.txIndex], blockNumber: numberToHex(signed.number) },
        ],
        eth_getBlockByNumber: ([n]) => (BigInt(n as Hex) === signed.number ? block : null),
        eth_getTransactionReceipt: ([hash]) => {
          const r = m.receipts[m.txHashes.indexOf(hash as Hash)]!
          return {
            ...r,
            status: numberToHex(r.status),
            cumulativeGasUsed: numberToHex(BigInt(r.cumulativeGasUsed)),
          }
        },
        mesh_getRawTransaction: () => m.rawTx,
        mesh_getSignedHeader: () => m.signedHeader,
        eth_chainId: () => numberToHex(m.chainId),
        mesh_nodeInfo: () => ({ validator: b.validator }),
        ...(bft
          ? {
              mesh_getCommit: ([n]: unknown[]) =>
                BigInt(n as Hex) === signed.number
                  ? {
                      number: n,
                      hash: block.hash,
                      round: 0,
                      validatorsHash: c.validatorsHash,
                      certificate: c.certificate,
                      signers: [],
                    }
                  : null,
              mesh_getValidators: ([n]: unknown[]) => validatorsJSON(A, Number(BigInt(n as Hex))),
            }
          : {}),
      },
      seen,
    ),
    readContract: async () =>
      [
        1001n,
        b.registry.operator,
        1,
        b.registry.vkHash,
        `0x${'00'.repeat(32)}`,
        0n,
        b.registry.measurements,
        b.registry.simulatedRoots,
      ] as never,
  }
  return { spn, mainnet, seen }
}

describe('exportProofBundle: the commit certificate from the main net', () => {
  it('exports a version-2 bundle from a BFT node (mesh_getCommit, mesh_getValidators) that verifies offline', async () => {
    const expected = v2Bundle(A)
    const { spn, mainnet } = fixtureNodes(expected, true)
    const bundle = await exportProofBundle({ spn, mainnet, position: expected.message.position })
    const { delivery: _, ...want } = expected
    expect(JSON.parse(JSON.stringify(bundle))).toEqual(want)
    const result = await verifyProofBundle(JSON.parse(JSON.stringify(bundle)))
    expect(result.failed).toBeUndefined()
    expect(result.checks.at(-1)).toMatchObject({ name: 'commit-certificate', ok: true })
  })

  it('fails with BUNDLE_COMMIT_UNAVAILABLE naming mesh_getCommit on a node without it (single-key main net)', async () => {
    const { spn, mainnet, seen } = fixtureNodes(v2Bundle(A), false)
    const error = await exportProofBundle({ spn, mainnet, position: 16 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'BundleExportError', code: 'BUNDLE_COMMIT_UNAVAILABLE' })
    expect((error as Error).message).toContain('The main-net node does not serve mesh_getCommit')
    expect(seen.at(-1)).toBe('mesh_getCommit')
    expect(v1Bundle().version).toBe(1)
  })
})

describe('exportBundleCommit: the certificate chain across a set change', () => {
  /** Heights 1..250, epochs of 100: set A signs 1..200 (header 200 announces B), B signs 201..250. */
  function changingChain() {
    const setAt = (h: number) => (h <= 200 ? A : B)
    const headerAt = (h: number): BundleHeader => header(h, setAt(h).set.hash, setAt(h + 1).set.hash)
    const seen: string[] = []
    const client = fakeClient(
      {
        eth_getBlockByNumber: ([n]) => {
          const h = Number(BigInt(n as Hex))
          return h >= 1 && h <= 250 ? { ...headerAt(h), hash: bundleHeaderHash(headerAt(h)) } : null
        },
        mesh_getValidators: ([n]) => {
          const h = Number(BigInt(n as Hex))
          return validatorsJSON(setAt(h), h, setAt(h + 1))
        },
        mesh_getCommit: ([n]) => {
          const h = Number(BigInt(n as Hex))
          const hash = bundleHeaderHash(headerAt(h))
          const cert = certify(setAt(h), [0, 1, 2], { chainId: 900, height: h, blockHash: hash })
          return {
            number: n,
            hash,
            round: 0,
            validatorsHash: setAt(h).set.hash,
            certificate: encodeCert(cert),
            signers: [],
          }
        },
      },
      seen,
    )
    return { client, seen }
  }

  it('finds the one changing header by an epoch scan and a binary search, and the chain verifies from genesis', async () => {
    const { client, seen } = changingChain()
    const commit = await exportBundleCommit(client, 250n)
    expect(commit.validatorsHash).toBe(B.set.hash)
    expect(commit.chainFrom?.validatorsHash).toBe(A.set.hash)
    expect(commit.chain.map((l) => Number(BigInt(l.header.number)))).toEqual([200])
    expect(commit.chain[0]?.nextValidators).toEqual(B.validators)
    // a scan of every height would ask for 250 blocks
    expect(seen.filter((m) => m === 'eth_getBlockByNumber').length).toBeLessThan(20)
    const bundle = { ...v1Bundle(), version: 2 as const, commit }
    const [set] = verifyBundleCommit(bundle, { trustedHash: A.set.hash })
    expect(set).toMatchObject({ name: 'validator-set', ok: true })
    expect(set?.detail).toContain('through 1 certified set change')
  })

  it('a block the node has no certificate for is BUNDLE_NOT_COMMITTED', async () => {
    const client = fakeClient({ mesh_getCommit: () => null })
    await expect(exportBundleCommit(client, 7n)).rejects.toMatchObject({
      code: 'BUNDLE_NOT_COMMITTED',
      shortMessage: 'The main net has no commit certificate for block 7.',
    })
  })
})
