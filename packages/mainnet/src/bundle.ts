import { InvalidParameterError } from '@rollup-mesh/core'
import type { CertificateInput } from '@rollup-mesh/tee-attest'
import {
  DEFAULT_ARTIFACTS_DIR,
  EXIT_TREE_DEPTH,
  exitLeafHash,
  readArtifactFile,
  type VerificationKey,
  verifyExitProof,
} from '@rollup-mesh/zk-bridge'
import { type Address, type Hash, type Hex, hexToBytes, numberToHex } from 'viem'
import {
  type AcceptanceCheck,
  exportSettlementAcceptance,
  type SettlementAcceptance,
  verifySettlementAcceptance,
} from './acceptance.js'
import { readSPN } from './client.js'
import { BundleCheckError } from './errors.js'
import { decodeSettlementHeader } from './header.js'
import { verifyingKeyHash } from './vkey.js'

/**
 * A proof bundle (DESIGN §4): everything needed to check, offline, that a cross-network message is final:
 * the message, its exit-tree inclusion path, the settlement that finalized the root (header, Groth16 proof
 * and public signals, TEE quote), the verifying-key id, what the SPN registry held for the source SPN when
 * the bundle was exported, and the main-net block that accepted the settlement (`acceptance`).
 * JSON-safe: integers that may exceed 2^53 are decimal strings.
 */
export type ProofBundle = {
  kind: 'rollup-mesh/proof-bundle'
  version: 1
  message: {
    srcSpn: string
    dstSpn: string
    /** The leaf's position in the source SPN's exit tree (with `srcSpn`, the delivery nullifier). */
    position: number
    messageIndex: string
    sender: Address
    to: Address
    value: string
    data: Hex
    sourceBlock: string
    sourceTxHash: Hash
  }
  inclusion: { leaf: Hex; siblings: Hex[]; root: Hash }
  /** keccak256 of the verifying key's coordinates (`verifyingKeyHash`), as registered. */
  vkeyId: Hash
  /** The source SPN's registry entry at export time (what an offline check uses unless told otherwise). */
  registry: { operator: Address; measurements: Hex[]; simulatedRoots: Hex[]; vkHash: Hash }
  /** The main-net validator at export time. */
  validator: Address
  acceptance: SettlementAcceptance
  /** Where the message was delivered, when it was (informational: the offline checks do not depend on it). */
  delivery?: { network: string; transactionHash: Hash; blockNumber: string; status: string }
}

type RequestClient = { request(args: { method: string; params?: unknown }): Promise<unknown> }

type ServedExitProof = {
  index: number
  batch: number
  leaf: Hex
  root: Hash
  siblings: Hex[]
  message: {
    messageIndex: Hex
    block: Hex
    txHash: Hash
    srcSpn: Hex
    dstSpn: Hex
    sender: Address
    to: Address
    value: Hex
    data: Hex
  }
}

/**
 * Exports the proof bundle of the message at exit-tree `position` of the SPN behind `spn` (its JSON-RPC:
 * `mesh_getExitProof`), reading the settlement that finalized it from the main net behind `mainnet`.
 * Fails with a clear error while the message's settlement is not accepted yet.
 *
 * @example
 * ```ts
 * import { exportProofBundle } from '@rollup-mesh/mainnet'
 * import { createPublicClient, http } from 'viem'
 *
 * const spn = createPublicClient({ transport: http(spnRpcUrl) })
 * const mainnet = createPublicClient({ transport: http(mainnetRpcUrl) })
 * const bundle = await exportProofBundle({ spn, mainnet, position: 0 })
 * writeFileSync('bundle.json', JSON.stringify(bundle, null, 2)) // what `mesh proof verify` reads
 * ```
 */
export async function exportProofBundle(params: {
  spn: RequestClient
  mainnet: RequestClient & { readContract: Parameters<typeof readSPN>[0]['readContract'] }
  position: number
}): Promise<ProofBundle> {
  const proof = (await params.spn.request({
    method: 'mesh_getExitProof',
    params: [params.position],
  })) as ServedExitProof
  const srcSpn = BigInt(proof.message.srcSpn)
  const settlementIndex = BigInt(proof.batch + 1)
  const acceptance = await exportSettlementAcceptance(params.mainnet, {
    spnId: srcSpn,
    settlementIndex,
  }).catch((error: unknown) => {
    throw new InvalidParameterError({
      param: 'position',
      expected: `a message whose settlement (SPN ${srcSpn} #${settlementIndex}) the main net accepted (${(error as Error).message.split('\n')[0]})`,
      got: params.position,
    })
  })
  const registered = await readSPN(params.mainnet, srcSpn)
  const info = (await params.mainnet.request({ method: 'mesh_nodeInfo' })) as { validator: Address }
  return {
    kind: 'rollup-mesh/proof-bundle',
    version: 1,
    message: {
      srcSpn: srcSpn.toString(),
      dstSpn: BigInt(proof.message.dstSpn).toString(),
      position: proof.index,
      messageIndex: BigInt(proof.message.messageIndex).toString(),
      sender: proof.message.sender,
      to: proof.message.to,
      value: BigInt(proof.message.value).toString(),
      data: proof.message.data,
      sourceBlock: BigInt(proof.message.block).toString(),
      sourceTxHash: proof.message.txHash,
    },
    inclusion: { leaf: proof.leaf, siblings: proof.siblings, root: proof.root },
    vkeyId: registered.vkHash,
    registry: {
      operator: registered.operator,
      measurements: [...registered.measurements],
      simulatedRoots: [...registered.simulatedRoots],
      vkHash: registered.vkHash,
    },
    validator: info.validator,
    acceptance,
  }
}

export type BundleCheckName =
  | 'bundle'
  | 'message-leaf'
  | 'inclusion'
  | 'settled-root'
  | 'verifying-key'
  | AcceptanceCheck['name']

export type BundleCheck = { name: BundleCheckName; ok: boolean; detail: string }

export type BundleVerification = {
  ok: boolean
  checks: BundleCheck[]
  /** The first failed check. */
  failed?: BundleCheckName
  /** Where the trusted inputs came from (`option` or `bundle`). */
  trust: { validator: 'option' | 'bundle'; measurements: 'option' | 'bundle'; vkey: 'option' | 'artifacts' }
}

export type VerifyBundleOptions = {
  /** Default: zk-bridge's committed `verification_key.json`. */
  vkey?: VerificationKey
  /** Pin the main-net validator; default the bundle's. */
  validator?: Address
  /** Pin the SPN's enclave measurements; default the bundle's registry entry. */
  measurements?: readonly Hex[]
  simulatedRoots?: readonly CertificateInput[]
  trustedRoots?: readonly CertificateInput[]
}

/**
 * Checks a proof bundle offline and reports each check: the bundle's shape; the leaf is the message's;
 * the inclusion path leads to the root; that root is the settled header's `newExitRoot` and the position
 * is in its range; the verifying key is the registered one; then `verifySettlementAcceptance` (public
 * signals, Groth16, TEE quote, the main-net block's signature, the submit transaction and its receipt).
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
      expect(b.version === 1, 'version 1')
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
  return done()
}
