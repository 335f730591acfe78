import { decodeCommitCertificate } from '@rollup-mesh/consensus'
import { type Hash, type Hex, hexToBytes, numberToHex } from 'viem'
import { bundleHeaderFromRPC, bundleValidatorOf, consensusHeaderOf } from './chainHeader.js'
import { BundleExportError } from './errors.js'
import type { BundleCommit, BundleCommitLink, BundleValidator } from './types.js'

type RequestClient = { request(args: { method: string; params?: unknown }): Promise<unknown> }

/** `mesh_getCommit`'s answer (the seam with the node). */
type ServedCommit = {
  number: Hex
  hash: Hash
  round: number
  validatorsHash: Hash
  certificate: Hex
  signers: Hex[]
} | null

/** `mesh_getValidators`'s answer. */
type ServedValidators = {
  number: Hex
  validatorsHash: Hash
  nextValidatorsHash: Hash
  epochLength: number
  validators: BundleValidator[]
}

const METHOD_NOT_FOUND = -32601

function isMethodNotFound(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e; ) {
    if (e.code === METHOD_NOT_FOUND) return true
    if (typeof e.message === 'string' && /method .*(not found|does not exist|not supported)/i.test(e.message))
      return true
    e = e.cause as typeof e
  }
  return false
}

/** One RPC call; a node without the method is `BUNDLE_COMMIT_UNAVAILABLE` naming the method. */
async function call<T>(client: RequestClient, method: string, params: unknown[]): Promise<T> {
  try {
    return (await client.request({ method, params })) as T
  } catch (error) {
    if (isMethodNotFound(error))
      throw new BundleExportError(
        'BUNDLE_COMMIT_UNAVAILABLE',
        `The main-net node does not serve ${method}: it has no commit certificates to put in the bundle.`,
        [
          '- A proof bundle (version 2) carries the commit certificate of the block that accepted the settlement.',
          '- Export from a BFT main-net node (one that answers mesh_getCommit and mesh_getValidators).',
        ],
        error as Error,
      )
    throw error
  }
}

async function headerAt(client: RequestClient, height: number) {
  const block = await call<Record<string, unknown> | null>(client, 'eth_getBlockByNumber', [
    numberToHex(height),
    false,
  ])
  if (!block) throw new BundleExportError('BUNDLE_COMMIT_INVALID', `The main net has no block ${height}.`)
  const header = bundleHeaderFromRPC(block)
  return { header, consensus: consensusHeaderOf(header) }
}

async function certificateAt(client: RequestClient, height: number): Promise<Hex> {
  const commit = await call<ServedCommit>(client, 'mesh_getCommit', [numberToHex(height)])
  if (!commit)
    throw new BundleExportError(
      'BUNDLE_NOT_COMMITTED',
      `The main net has no commit certificate for block ${height}.`,
      ['- A block is final once it has one; try again when `mesh_getCommit` serves it.'],
    )
  decodeCommitCertificate(hexToBytes(commit.certificate)) // a malformed one fails here, not at verify time
  return commit.certificate
}

const validatorsAt = (client: RequestClient, height: number) =>
  call<ServedValidators>(client, 'mesh_getValidators', [numberToHex(height)])

/**
 * The finality evidence of main-net block `height` for a proof bundle: its header, its commit certificate
 * (`mesh_getCommit`), the set that signed it (`mesh_getValidators`) and, when that set is not the genesis
 * set, the certificate chain across every change: the headers sampled an epoch apart, a binary search
 * inside the epoch where the set hash differs for the last height of the old set (the header whose
 * `nextValidatorsHash` announces the new one), and that header's certificate and the new set.
 *
 * @example
 * ```ts
 * const commit = await exportBundleCommit(mainnetClient, 42n) // BUNDLE_COMMIT_UNAVAILABLE on a single-key node
 * ```
 */
export async function exportBundleCommit(client: RequestClient, height: bigint): Promise<BundleCommit> {
  const h = Number(height)
  const certificate = await certificateAt(client, h)
  const set = await validatorsAt(client, h)
  const { header, consensus } = await headerAt(client, h)
  if (consensus.validatorsHash !== set.validatorsHash)
    throw new BundleExportError(
      'BUNDLE_COMMIT_INVALID',
      `Block ${h} names validator set ${consensus.validatorsHash}; mesh_getValidators serves ${set.validatorsHash}.`,
    )
  const validators = set.validators.map(bundleValidatorOf)
  const genesis = await validatorsAt(client, 1)
  if (genesis.validatorsHash === set.validatorsHash)
    return { header, certificate, validatorsHash: set.validatorsHash, validators, chain: [] }
  const chain = await exportChain(client, h, Math.max(1, Number(set.epochLength) || 1))
  return {
    header,
    certificate,
    validatorsHash: set.validatorsHash,
    validators,
    chainFrom: {
      validatorsHash: genesis.validatorsHash,
      validators: genesis.validators.map(bundleValidatorOf),
    },
    chain,
  }
}

/** The links from height 1 to `until`: one per height whose header announces a different next set. */
async function exportChain(client: RequestClient, until: number, epoch: number): Promise<BundleCommitLink[]> {
  const hashAt = async (height: number) => (await headerAt(client, height)).consensus.validatorsHash
  const links: BundleCommitLink[] = []
  let lo = 1
  let loHash = await hashAt(1)
  while (lo < until) {
    const hi = Math.min(lo + epoch, until)
    const hiHash = await hashAt(hi)
    if (hiHash !== loHash) {
      // at most one change inside an epoch: find the last height signed by the old set
      let a = lo
      let b = hi
      while (b - a > 1) {
        const mid = Math.floor((a + b) / 2)
        if ((await hashAt(mid)) === loHash) a = mid
        else b = mid
      }
      const { header, consensus } = await headerAt(client, a)
      const next = await validatorsAt(client, a + 1)
      if (consensus.nextValidatorsHash !== next.validatorsHash)
        throw new BundleExportError(
          'BUNDLE_COMMIT_INVALID',
          `Block ${a} announces set ${consensus.nextValidatorsHash}, but block ${a + 1} is signed by ${next.validatorsHash}.`,
        )
      links.push({
        header,
        certificate: await certificateAt(client, a),
        nextValidators: next.validators.map(bundleValidatorOf),
      })
    }
    lo = hi
    loHash = hiHash
  }
  return links
}
