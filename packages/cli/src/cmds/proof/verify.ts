import { existsSync, readFileSync } from 'node:fs'
import { type BundleVerification, type ProofBundle, verifyProofBundle } from '@rollup-mesh/mainnet/bundle'
import { type Address, formatEther, isAddress } from 'viem'
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
): void {
  const width = Math.max(...result.checks.map((c) => c.name.length))
  for (const c of result.checks) out.line(`${indent}${c.ok ? '✓' : '✗'} ${c.name.padEnd(width)}  ${c.detail}`)
  const v = validator ? `validator ${validator}` : 'validator'
  out.line(
    `${indent}Trusted inputs: ${v} from ${result.trust.validator === 'option' ? '--validator' : 'the bundle (pin it with --validator)'}; enclave measurements from the bundle's registry entry; verifying key from zk-bridge's committed artifacts.`,
  )
  const failed = result.checks.filter((c) => !c.ok).length
  out.line(
    result.ok
      ? `${indent}Verified in ${ms.toFixed(0)} ms: all ${result.checks.length} checks pass.`
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
  const bundle = readBundleFile(options.file)
  const started = performance.now()
  const result = await verifyProofBundle(
    bundle,
    options.validator ? { validator: options.validator as Address } : {},
  )
  const ms = performance.now() - started
  const validator =
    (options.validator as Address | undefined) ??
    ((bundle as { validator?: Address })?.validator || undefined)
  const m = (bundle as Partial<ProofBundle>)?.message
  if (m && typeof m === 'object')
    out.line(
      `Proof bundle ${options.file}: message spn${m.srcSpn}:${m.position} → spn${m.dstSpn}, ${typeof m.value === 'string' && /^\d+$/.test(m.value) ? formatEther(BigInt(m.value)) : '?'} ETH to ${m.to}`,
    )
  printVerification(out, result, validator, ms, '  ')
  out.result({ file: options.file, ...result, validator, ms: Math.round(ms * 10) / 10 })
  return result.ok ? 0 : 1
}
