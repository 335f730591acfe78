import { keccak256, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { type Address, encodeAbiParameters, type Hash, type Hex, numberToHex, pad } from 'viem'
import { CONSENSUS_ADDRESSES } from './consensus/consensusAddresses.js'
import {
  evidenceRegistryRuntimeCode,
  groth16VerifierRuntimeCode,
  mailboxRuntimeCode,
  settlementRuntimeCode,
  spnRegistryRuntimeCode,
  validatorGovernanceRuntimeCode,
} from './contracts.generated.js'

type GenesisAccount = { balance?: bigint; code?: Hex; storage?: Record<Hex, Hex> }

/** The storage slot of `mapping(key => …)` at `slot` for a 32-byte key (Solidity's layout). */
export function mappingSlot(key: Hex, slot: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [pad(key), slot]))
}

/** A genesis validator as the governance contract records it (its power and the hash of its BLS key). */
export type GenesisGovernedValidator = { address: Address; blsPublicKey: Hex; power: number }

const word = (v: bigint | Hex): Hex =>
  typeof v === 'bigint' ? numberToHex(v, { size: 32 }) : pad(v, { size: 32 })

/**
 * ValidatorGovernance's genesis storage: slot 0 governance, slot 1 validatorCount, `powerOf` (slot 2) and
 * `keyUsed` (slot 3) of every genesis validator, so the contract checks changes against the genesis set.
 */
function governanceStorage(governance: Address, validators: readonly GenesisGovernedValidator[]) {
  const storage: Record<Hex, Hex> = {
    [word(0n)]: word(governance.toLowerCase() as Hex),
    [word(1n)]: word(BigInt(validators.length)),
  }
  for (const v of validators) {
    storage[mappingSlot(v.address.toLowerCase() as Hex, 2n)] = word(BigInt(v.power))
    storage[mappingSlot(keccak256(v.blsPublicKey), 3n)] = word(1n)
  }
  return storage
}

/**
 * The system contracts of the main-net genesis: SPNRegistry (owner = `governance`, `minBond`, the
 * committed verifying key's verifier), Settlement, Mailbox and zk-bridge's Groth16Verifier, at
 * `SYSTEM_ADDRESSES.mainnet`; ValidatorGovernance (governance, the genesis `validators`) and
 * EvidenceRegistry at `CONSENSUS_ADDRESSES`. No constructor runs: the first slots are written directly.
 */
export function systemContractsAlloc(params: {
  governance: Address
  minBond: bigint
  vkHash: Hash
  validators?: readonly GenesisGovernedValidator[]
}): Record<Address, GenesisAccount> {
  return {
    [CONSENSUS_ADDRESSES.validatorGovernance]: {
      code: validatorGovernanceRuntimeCode,
      storage: governanceStorage(params.governance, params.validators ?? []),
    },
    [CONSENSUS_ADDRESSES.evidenceRegistry]: { code: evidenceRegistryRuntimeCode },
    [SYSTEM_ADDRESSES.mainnet.spnRegistry]: {
      code: spnRegistryRuntimeCode,
      storage: {
        [word(0n)]: word(params.governance.toLowerCase() as Hex),
        [word(1n)]: word(params.minBond),
        [mappingSlot(params.vkHash, 2n)]: word(SYSTEM_ADDRESSES.mainnet.groth16Verifier),
      },
    },
    [SYSTEM_ADDRESSES.mainnet.settlement]: { code: settlementRuntimeCode },
    [SYSTEM_ADDRESSES.mainnet.mailbox]: { code: mailboxRuntimeCode },
    [SYSTEM_ADDRESSES.mainnet.groth16Verifier]: { code: groth16VerifierRuntimeCode },
  }
}
