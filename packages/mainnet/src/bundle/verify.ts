import {
  DEFAULT_ARTIFACTS_DIR,
  EXIT_TREE_DEPTH,
  exitLeafHash,
  readArtifactFile,
  type VerificationKey,
  verifyExitProof,
} from '@rollup-mesh/zk-bridge'
import { hexToBytes, numberToHex } from 'viem'
import { verifySettlementAcceptance } from '../acceptance.js'
import { BundleCheckError } from '../errors.js'
import { decodeSettlementHeader } from '../header.js'
import { verifyingKeyHash } from '../vkey.js'
import { verifyBundleCommit } from './commitCheck.js'
import type {
  BundleCheck,
  BundleCheckName,
  BundleVerification,
  ProofBundle,
  VerifyBundleOptions,
} from './types.js'

/**
 * Checks a proof bundle offline and reports each check: the bundle's shape; the leaf is the message's;
 * the inclusion path leads to the root; that root is the settled header's `newExitRoot` and the position
 * is in its range; the verifying key is the registered one; then `verifySettlementAcceptance` (public
 * signals, Groth16, TEE quote, the main-net block's signature, the submit transaction and its receipt);
 * then `verifyBundleCommit`: `validator-set` (the set is the trusted one, `options.validatorsHash` or the
 * bundle's, or follows from it along the certificate chain) and `commit-certificate` (the accepting
 * block's certificate verifies against that set). A version-1 bundle has no certificate: its
 * `commit-certificate` check passes with `warning: true`, or fails when `validatorsHash` is pinned.
 * Never throws for bad data: a failure is a check with `ok: false`.
 *
 * @example
 * ```ts
 * import { verifyProofBundle } from '@rollup-mesh/mainnet/bundle'
 *
 * const result = await verifyProofBundle(JSON.parse(readFileSync('bundle.json', 'utf8')))
 * for (const c of result.checks) console.log(c.ok ? '✓' : '✗', c.name, c.detail)
 * if (!result.ok) console.log('failed at', result.failed) // e.g. 'inclusion'
 * ```
 */
export async function verifyProofBundle(
  bundle: unknown,
  options: VerifyBundleOptions = {},
): Promise<BundleVerification> {
  const checks: BundleCheck[] = []
  const trust: BundleVerification['trust'] = {
    validator: options.validator ? 'option' : 'bundle',
    validatorsHash: options.validatorsHash ? 'option' : 'bundle',
    measurements: options.measurements ? 'option' : 'bundle',
    vkey: options.vkey ? 'option' : 'artifacts',
  }
  const done = (): BundleVerification => {
    const failed = checks.find((c) => !c.ok)?.name
    return { ok: !failed, checks, ...(failed ? { failed } : {}), trust }
  }
  const check = (name: BundleCheckName, fn: () => string): boolean => {
    try {
      checks.push({ name, ok: true, detail: fn() })
      return true
    } catch (error) {
      checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) })
      return false
    }
  }
  const expect = (cond: boolean, what: string): void => {
    if (!cond) throw new BundleCheckError(what)
  }
  const b = bundle as ProofBundle
  if (
    !check('bundle', () => {
      expect(typeof b === 'object' && b !== null, 'a JSON object')
      expect(b.kind === 'rollup-mesh/proof-bundle', 'kind "rollup-mesh/proof-bundle"')
      expect(b.version === 1 || b.version === 2, 'version 1 or 2')
      expect(
        b.version === 1 || (typeof b.commit === 'object' && b.commit !== null),
        'a commit object (version 2)',
      )
      expect(
        typeof b.message === 'object' && typeof b.inclusion === 'object',
        'message and inclusion objects',
      )
      expect(typeof b.acceptance === 'object' && b.acceptance !== null, 'an acceptance object')
      expect(
        Array.isArray(b.inclusion.siblings) && b.inclusion.siblings.length === EXIT_TREE_DEPTH,
        `${EXIT_TREE_DEPTH} siblings`,
      )
      return `message ${b.message.srcSpn}:${b.message.position} → SPN ${b.message.dstSpn}`
    })
  )
    return done()
  const m = b.message
  let leaf = 0n
  const leafOk = check('message-leaf', () => {
    leaf = exitLeafHash({
      srcSpn: BigInt(m.srcSpn),
      position: BigInt(m.position),
      dstSpn: BigInt(m.dstSpn),
      to: m.to,
      sender: m.sender,
      value: BigInt(m.value),
      data: m.data,
    })
    expect(
      numberToHex(leaf, { size: 32 }) === b.inclusion.leaf.toLowerCase(),
      `the leaf ${b.inclusion.leaf} to be the message's`,
    )
    return `Poseidon leaf ${numberToHex(leaf, { size: 32 }).slice(0, 18)}… of the message`
  })
  const inclusionOk =
    leafOk &&
    check('inclusion', () => {
      const siblings = b.inclusion.siblings.map((s) => BigInt(s))
      expect(
        verifyExitProof({ leaf, index: m.position, siblings }, BigInt(b.inclusion.root)),
        `the path to lead to root ${b.inclusion.root}`,
      )
      return `position ${m.position} under root ${b.inclusion.root.slice(0, 18)}…`
    })
  check('settled-root', () => {
    const h = decodeSettlementHeader(b.acceptance.header)
    expect(h.spnId.toString() === m.srcSpn, `the settlement to be of SPN ${m.srcSpn}, not ${h.spnId}`)
    expect(
      h.newExitRoot.toLowerCase() === b.inclusion.root.toLowerCase(),
      `the settlement's exit root ${h.newExitRoot} to be the inclusion root`,
    )
    const p = BigInt(m.position)
    expect(
      p >= h.startIndex && p < h.startIndex + h.leafCount,
      `position ${m.position} to be among the settlement's leaves [${h.startIndex}, ${h.startIndex + h.leafCount})`,
    )
    return `settlement #${b.acceptance.settlementIndex} (blocks ${h.fromBlock}-${h.toBlock}) finalizes it`
  })
  let vkey = options.vkey
  if (!vkey) {
    try {
      vkey = JSON.parse(
        Buffer.from(await readArtifactFile(DEFAULT_ARTIFACTS_DIR, 'verification_key.json')).toString('utf8'),
      ) as VerificationKey
    } catch (error) {
      checks.push({
        name: 'verifying-key',
        ok: false,
        detail: `cannot read the verifying key: ${(error as Error).message}`,
      })
      return done()
    }
  }
  const key = vkey
  check('verifying-key', () => {
    const id = verifyingKeyHash(key)
    expect(id === b.vkeyId, `the bundle's verifying-key id ${b.vkeyId} to be ${id}`)
    expect(b.registry?.vkHash === id, `the registered verifying key ${b.registry?.vkHash} to be ${id}`)
    return `key ${id.slice(0, 18)}… is the registered one`
  })
  if (!inclusionOk) return done()
  const validator = options.validator ?? b.validator
  const acceptance = await verifySettlementAcceptance(b.acceptance, {
    vkey: key,
    measurements: options.measurements ?? b.registry?.measurements ?? [],
    // the registry holds DER as hex; tee-attest reads strings as PEM
    simulatedRoots: options.simulatedRoots ?? (b.registry?.simulatedRoots ?? []).map((r) => hexToBytes(r)),
    ...(options.trustedRoots ? { trustedRoots: options.trustedRoots } : {}),
    validator,
  }).catch((error: unknown) => ({
    ok: false,
    checks: [{ name: 'header' as const, ok: false, detail: (error as Error).message }],
  }))
  checks.push(...acceptance.checks)
  checks.push(...verifyBundleCommit(b, options.validatorsHash ? { trustedHash: options.validatorsHash } : {}))
  return done()
}
