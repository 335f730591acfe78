import { type SettlementHeader, settlementHashField } from '@rollup-mesh/chain'

/**
 * The settlement header encoding is shared with the SPN through `@rollup-mesh/chain` (spn and mainnet
 * must not import each other); the main net re-exports it so its clients need one import.
 */
export {
  decodeSettlementHeader,
  encodeGroth16Proof,
  encodeSettlementHeader,
  publicSignalsToUint,
  SETTLEMENT_HEADER_ABI,
  SETTLEMENT_HEADER_LENGTH,
  type SettlementHeader,
  settlementHashField,
  settlementHeaderHash,
  settlementReportData,
} from '@rollup-mesh/chain'

/** `[oldRoot, newRoot, startIndex, leafCount, settlementHash]`: the public signals the contract expects for `header`. */
export function settlementPublicSignals(
  header: SettlementHeader,
): readonly [bigint, bigint, bigint, bigint, bigint] {
  return [
    BigInt(header.prevExitRoot),
    BigInt(header.newExitRoot),
    header.startIndex,
    header.leafCount,
    settlementHashField(header),
  ]
}
