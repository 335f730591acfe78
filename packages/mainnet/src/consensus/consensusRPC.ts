import { type Chain, expectCount, invalidParam, parseQuantity, type RPCMethods } from '@rollup-mesh/chain'
import { certificateSigners, decodeCommitCertificate, type ValidatorSchedule } from '@rollup-mesh/consensus'
import { type Address, bytesToHex, type Hex, numberToHex } from 'viem'
import type { ConsensusDriver } from './consensusDriver.js'
import type { EvidenceStore } from './evidenceStore.js'
import type { MainnetValidators } from './validatorSetup.js'

/** `latest`/`finalized` (every committed main-net block is final) or a quantity; absent = latest. */
function blockParam(chain: Chain, params: readonly unknown[], i: number): bigint {
  const v = params[i]
  if (v === undefined || v === 'latest' || v === 'finalized' || v === 'safe') return chain.head().number
  return parseQuantity(v, () => invalidParam(i, "a block number or 'latest' / 'finalized'"))
}

/** The commit of block `n` as `mesh_getCommit` returns it, or null (genesis, unknown). */
export function commitJSON(chain: Chain, schedule: ValidatorSchedule, n: bigint) {
  const stored = chain.certificates.get(n)
  if (!stored) return null
  const cert = decodeCommitCertificate(stored.certificate)
  const set = schedule.setAt(cert.height)
  return {
    number: numberToHex(n),
    hash: stored.hash,
    round: cert.round,
    validatorsHash: cert.validatorsHash,
    certificate: bytesToHex(stored.certificate),
    signers: certificateSigners(cert).map((i) => set.validators[i]?.address.toLowerCase() as Address),
  }
}

/**
 * The main net's consensus methods (the seam with the CLI and proof bundles): `mesh_getCommit`,
 * `mesh_getValidators`, `mesh_consensusStatus`, `mesh_getEvidence`.
 */
export function consensusRPCMethods(parts: {
  chain: Chain
  validators: MainnetValidators
  driver: ConsensusDriver
  evidence: EvidenceStore
}): RPCMethods {
  const { chain, validators, driver, evidence } = parts
  const { schedule } = validators
  return {
    /** `[block]` → `{ number, hash, round, validatorsHash, certificate, signers }` or null. */
    mesh_getCommit: (params) => {
      expectCount(params, 1, 1)
      return commitJSON(chain, schedule, blockParam(chain, params, 0))
    },
    /**
     * `[block?]` or `[{ blockNumber }]` → the set signing that block (its entries with proofs of possession,
     * as governance changed it), its successor's hash and the epoch length.
     */
    mesh_getValidators: (params) => {
      expectCount(params, 0, 1)
      const p = params[0]
      const n =
        p !== null && typeof p === 'object' && 'blockNumber' in p
          ? blockParam(chain, [(p as { blockNumber: unknown }).blockNumber], 0)
          : blockParam(chain, params, 0)
      const h = Math.max(1, Number(n))
      return {
        number: numberToHex(n),
        validatorsHash: schedule.setAt(h).hash,
        nextValidatorsHash: schedule.setAt(h + 1).hash,
        epochLength: validators.epochLength,
        validators: validators.governed.entriesAt(h),
      }
    },
    /** `[]` → the height being decided, its round and step, this node's validator and the last commit. */
    mesh_consensusStatus: (params) => {
      expectCount(params, 0, 0)
      const s = driver.status()
      const last = driver.lastCommit()
      const stored = last ? null : commitJSON(chain, schedule, chain.head().number)
      return {
        height: numberToHex(s.height),
        round: s.round,
        step: s.step,
        validator: validators.self?.address ?? null,
        lastCommit: last
          ? { number: numberToHex(last.number), round: last.round, signers: last.signers }
          : stored
            ? { number: stored.number as Hex, round: stored.round, signers: stored.signers }
            : null,
      }
    },
    /** `[]` → every piece of equivocation evidence this node saw. */
    mesh_getEvidence: (params) => {
      expectCount(params, 0, 0)
      return evidence.all()
    },
  }
}
