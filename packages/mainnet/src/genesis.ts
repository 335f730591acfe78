import { keccak256, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { type Address, encodeAbiParameters, type Hash, type Hex, numberToHex, pad } from 'viem'
import {
  groth16VerifierRuntimeCode,
  mailboxRuntimeCode,
  settlementRuntimeCode,
  spnRegistryRuntimeCode,
} from './contracts.generated.js'

type GenesisAccount = { balance?: bigint; code?: Hex; storage?: Record<Hex, Hex> }

/** The storage slot of `mapping(key => …)` at `slot` for a 32-byte key (Solidity's layout). */
export function mappingSlot(key: Hex, slot: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }], [pad(key), slot]))
}

/**
 * The system contracts of the main-net genesis: SPNRegistry (owner = `governance`, `minBond`, the
 * committed verifying key's verifier), Settlement, Mailbox and zk-bridge's Groth16Verifier, at
 * `SYSTEM_ADDRESSES.mainnet`. No constructor runs: the registry's first slots are written directly.
 */
export function systemContractsAlloc(params: {
  governance: Address
  minBond: bigint
  vkHash: Hash
}): Record<Address, GenesisAccount> {
  const word = (v: bigint | Hex): Hex =>
    typeof v === 'bigint' ? numberToHex(v, { size: 32 }) : pad(v, { size: 32 })
  return {
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
