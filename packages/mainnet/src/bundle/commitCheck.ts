import {
  certificateSigners,
  decodeCommitCertificate,
  type ValidatorSet,
  validatorSetFromGenesis,
  verifyCertificateChain,
  verifyCommitCertificate,
} from '@rollup-mesh/consensus'
import { BaseError } from '@rollup-mesh/core'
import { decodeHeader } from '@rollup-mesh/p2p/wire'
import { type Hash, hexToBytes, isHex } from 'viem'
import { BundleCheckError } from '../errors.js'
import { consensusHeaderOf, genesisValidatorsOf } from './chainHeader.js'
import type { BundleCheck, BundleCommit, ProofBundle } from './types.js'

const expect = (cond: boolean, what: string): void => {
  if (!cond) throw new BundleCheckError(what)
}

/** A check's detail from what it threw: coded errors lead with their code (`CERT_…`, `VALIDATOR_…`). */
function reason(error: unknown): string {
  if (error instanceof BundleCheckError) return error.message
  if (error instanceof BaseError) return `${error.code}: ${error.shortMessage}`
  return error instanceof Error ? error.message : String(error)
}

function run(checks: BundleCheck[], name: BundleCheck['name'], fn: () => string): boolean {
  try {
    checks.push({ name, ok: true, detail: fn() })
    return true
  } catch (error) {
    checks.push({ name, ok: false, detail: reason(error) })
    return false
  }
}

const short = (h: string) => `${h.slice(0, 18)}…`

/**
 * The checks of a bundle's finality evidence. `validator-set`: the bundle's set (every proof of
 * possession checked) hashes to its `validatorsHash` and is the trusted one (`trustedHash`, else the
 * bundle's own), or follows from the trusted set along the bundle's certificate chain (each link signed
 * by the set before it, announcing the next). `commit-certificate`: the bundled header is the accepting
 * block's (every field of the signed header equal, hash recomputed), names that set, and the certificate
 * verifies against the set for that chain id, height and block hash with more than 2/3 of the power.
 * A version-1 bundle (no `commit`) gets one `commit-certificate` check: a warning, or a failure when a
 * validator set is pinned.
 *
 * @example
 * ```ts
 * const checks = verifyBundleCommit(bundle, { trustedHash: '0x…' })
 * checks.find((c) => !c.ok)?.detail // e.g. 'CERT_INSUFFICIENT_POWER: Signers hold 2 of 3 power; …'
 * ```
 */
export function verifyBundleCommit(bundle: ProofBundle, options: { trustedHash?: Hash }): BundleCheck[] {
  const checks: BundleCheck[] = []
  const commit = bundle.commit
  if (bundle.version === 1 || !commit) {
    const pinned = options.trustedHash !== undefined
    checks.push({
      name: 'commit-certificate',
      ok: !pinned,
      detail: `no commit certificate (bundle v${bundle.version}): finality rests on one validator's header signature${pinned ? '; --validators-hash pins a validator set, which this bundle cannot show signed the block' : '; export it again from a BFT main net'}`,
      ...(pinned ? {} : { warning: true as const }),
    })
    return checks
  }
  const chainId = bundle.acceptance.mainnet.chainId
  let set: ValidatorSet | undefined
  run(checks, 'validator-set', () => {
    const accepting = validatorSetFromGenesis(genesisValidatorsOf(commit.validators))
    expect(
      accepting.hash === commit.validatorsHash,
      `the bundle's validators to hash to its validatorsHash ${commit.validatorsHash}, not ${accepting.hash}`,
    )
    set = accepting
    const trusted = options.trustedHash ?? commit.validatorsHash
    const source = options.trustedHash ? '--validators-hash' : 'the bundle (pin it with --validators-hash)'
    const about = `${accepting.size} validators, power ${accepting.totalPower}`
    if (trusted.toLowerCase() === accepting.hash)
      return `set ${short(accepting.hash)} (${about}) trusted from ${source}`
    const links = followChain(
      commit,
      chainId,
      trusted.toLowerCase() as Hash,
      Number(BigInt(commit.header.number)),
    )
    return `set ${short(accepting.hash)} (${about}) follows from the trusted set ${short(trusted)} (from ${source}) through ${links} certified set change${links === 1 ? '' : 's'}`
  })
  run(checks, 'commit-certificate', () => {
    if (!set) throw new BundleCheckError('a verified validator set to check the certificate against')
    const header = consensusHeaderOf(commit.header)
    const signed = decodeHeader(hexToBytes(bundle.acceptance.mainnet.signedHeader))
    const h = commit.header
    const same: [string, boolean][] = [
      ['number', BigInt(h.number) === signed.number],
      ['parentHash', h.parentHash.toLowerCase() === signed.parentHash.toLowerCase()],
      ['stateRoot', h.stateRoot.toLowerCase() === signed.stateRoot.toLowerCase()],
      ['transactionsRoot', h.transactionsRoot.toLowerCase() === signed.txRoot.toLowerCase()],
      ['receiptsRoot', h.receiptsRoot.toLowerCase() === signed.receiptsRoot.toLowerCase()],
      ['exitRoot', h.exitRoot.toLowerCase() === signed.exitRoot.toLowerCase()],
      ['timestamp', BigInt(h.timestamp) === signed.timestamp],
      ['gasLimit', BigInt(h.gasLimit) === signed.gasLimit],
      ['gasUsed', BigInt(h.gasUsed) === signed.gasUsed],
      ['baseFeePerGas', BigInt(h.baseFeePerGas) === signed.baseFee],
    ]
    const differs = same.find(([, ok]) => !ok)?.[0]
    expect(
      !differs,
      `the certified header to be the accepting block ${signed.number}'s (its ${differs} differs)`,
    )
    expect(
      header.validatorsHash === set.hash,
      `header ${header.height} to name validator set ${set.hash}, not ${header.validatorsHash}`,
    )
    expect(isHex(commit.certificate), 'the certificate as hex')
    const cert = decodeCommitCertificate(hexToBytes(commit.certificate))
    const power = verifyCommitCertificate(cert, set, {
      chainId,
      height: header.height,
      blockHash: header.hash,
    })
    const signers = certificateSigners(cert)
    return `block ${header.height} ${short(header.hash)} certified in round ${cert.round} by ${signers.length} of ${set.size} validators (power ${power} of ${set.totalPower}, > 2/3)`
  })
  return checks
}

/**
 * Starts at the chain's set whose hash is `trusted` (its start or a link's new set) and follows the
 * remaining links to the accepting block's set; returns how many set changes it followed.
 */
function followChain(commit: BundleCommit, chainId: number, trusted: Hash, acceptingHeight: number): number {
  const links = Array.isArray(commit.chain) ? commit.chain : []
  const starts = [commit.chainFrom?.validators, ...links.map((l) => l.nextValidators)]
  const start = starts.findIndex(
    (vs) => vs !== undefined && validatorSetFromGenesis(genesisValidatorsOf(vs)).hash === trusted,
  )
  expect(
    start >= 0,
    `the trusted validator set ${trusted} to be the accepting block's set ${commit.validatorsHash} or a set on the bundle's certificate chain (${links.length} links)`,
  )
  let set = validatorSetFromGenesis(genesisValidatorsOf(starts[start]!))
  let prev = 0
  for (const link of links.slice(start)) {
    const header = consensusHeaderOf(link.header)
    expect(
      header.height > prev && header.height < acceptingHeight,
      `chain link heights increasing and below the accepting block ${acceptingHeight}, got ${header.height}`,
    )
    const nextValidators = link.nextValidators ? genesisValidatorsOf(link.nextValidators) : undefined
    // one link at a time: the chain samples the set changes, not every height
    set = verifyCertificateChain(set, chainId, [
      { header, certificate: decodeCommitCertificate(hexToBytes(link.certificate)), nextValidators },
    ])
    prev = header.height
  }
  expect(
    set.hash === commit.validatorsHash,
    `the certificate chain to end at the accepting block's set ${commit.validatorsHash}, not ${set.hash}`,
  )
  return links.length - start
}
