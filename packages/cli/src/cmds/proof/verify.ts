import { existsSync, readFileSync } from 'node:fs'
import { type BundleVerification, type ProofBundle, verifyProofBundle } from '@rollup-mesh/mainnet/bundle'
import { type Address, formatEther, type Hash, isAddress, isHex, size } from 'viem'
import { MeshCliError } from '../../errors.js'
import { createOut, type Out } from '../../output.js'
import type { ProofVerifyOptions } from './options.js'

/**
 * `mesh proof verify` on its own: it imports the main net's bundle verifier by
 * subpath, so checking a bundle offline loads neither libp2p nor the node.
 */

/** Reads a bundle file; a missing file or bad JSON is an error saying which. */
export function readBundleFile(path: string): unknown {
  if (!existsSync(path))
    throw new MeshCliError(`Bundle file ${path} does not exist.`, {
      code: 'FILE_NOT_FOUND',
      metaMessages: ['- Write one with `mesh proof export <tx hash | spnN:position> -o <file>`.'],
    })
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new MeshCliError(`Bundle file ${path} is not JSON.`, {
      code: 'BUNDLE_INVALID',
      details: (err as Error).message,
    })
  }
}

/** Prints a verification: each check, where the trusted inputs came from, the time, the verdict. */
export function printVerification(
  out: Out,
  result: BundleVerification,
  validator: Address | undefined,
  ms: number,
  indent = '',
  validatorsHash?: Hash,
): void {
  const width = Math.max(...result.checks.map((c) => c.name.length))
  for (const c of result.checks)
    out.line(`${indent}${c.ok ? (c.warning ? '!' : '✓') : '✗'} ${c.name.padEnd(width)}  ${c.detail}`)
  const v = validator ? `validator ${validator}` : 'validator'
  const set = validatorsHash ? `validator set ${validatorsHash}` : 'validator set'
  out.line(
    `${indent}Trusted inputs: ${v} from ${result.trust.validator === 'option' ? '--validator' : 'the bundle (pin it with --validator)'}; ${set} from ${result.trust.validatorsHash === 'option' ? '--validators-hash' : 'the bundle (pin it with --validators-hash)'}; enclave measurements from the bundle's registry entry; verifying key from zk-bridge's committed artifacts.`,
  )
  const failed = result.checks.filter((c) => !c.ok).length
  const warned = result.checks.filter((c) => c.ok && c.warning).length
  out.line(
    result.ok
      ? `${indent}Verified in ${ms.toFixed(0)} ms: all ${result.checks.length} checks pass${warned ? ` (${warned} with a warning: !)` : ''}.`
      : `${indent}✗ ${failed} of ${result.checks.length} checks failed (first: ${result.failed}) in ${ms.toFixed(0)} ms.`,
  )
}

/** `mesh proof verify`: offline, no node and no mesh.json; exit 0 only when every check passes. */
export async function proofVerifyHandler(options: ProofVerifyOptions): Promise<number> {
  const out = createOut(options.json)
  if (options.validator !== undefined && !isAddress(options.validator))
    throw new MeshCliError(`--validator "${options.validator}" is not an address.`, {
      code: 'INVALID_OPTION',
      metaMessages: ["- Expected the main net validator's 0x address (mesh_nodeInfo.validator)."],
    })
  const pinnedSet = options.validatorsHash
  if (pinnedSet !== undefined && !(isHex(pinnedSet, { strict: true }) && size(pinnedSet) === 32))
    throw new MeshCliError(`--validators-hash "${pinnedSet}" is not a 32-byte hex hash.`, {
      code: 'INVALID_OPTION',
      metaMessages: [
        "- Expected 0x and 64 hex digits: the main net's validatorsHash (`mesh status` or mesh_getValidators).",
      ],
    })
  const bundle = readBundleFile(options.file)
  const started = performance.now()
  const result = await verifyProofBundle(bundle, {
    ...(options.validator ? { validator: options.validator as Address } : {}),
    ...(pinnedSet ? { validatorsHash: pinnedSet.toLowerCase() as Hash } : {}),
  })
  const ms = performance.now() - started
  const validator =
    (options.validator as Address | undefined) ??
    ((bundle as { validator?: Address })?.validator || undefined)
  const m = (bundle as Partial<ProofBundle>)?.message
  if (m && typeof m === 'object')
    out.line(
      `Proof bundle ${options.file}: message spn${m.srcSpn}:${m.position} → spn${m.dstSpn}, ${typeof m.value === 'string' && /^\d+$/.test(m.value) ? formatEther(BigInt(m.value)) : '?'} ETH to ${m.to}`,
    )
  const validatorsHash =
    (pinnedSet?.toLowerCase() as Hash | undefined) ??
    ((bundle as Partial<ProofBundle>)?.commit?.validatorsHash || undefined)
  printVerification(out, result, validator, ms, '  ', validatorsHash)
  out.result({ file: options.file, ...result, validator, validatorsHash, ms: Math.round(ms * 10) / 10 })
  return result.ok ? 0 : 1
}
