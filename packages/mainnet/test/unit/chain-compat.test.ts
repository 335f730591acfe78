import {
  encodeSettlementHeader as chainEncodeHeader,
  settlementReportData as chainReportData,
  settlementSubmitAbi,
} from '@rollup-mesh/chain'
import { reportDataForSettlement } from '@rollup-mesh/tee-attest'
import { SNARK_SCALAR_FIELD, toField } from '@rollup-mesh/zk-bridge'
import {
  type AbiEvent,
  type AbiFunction,
  hexToBytes,
  keccak256,
  toEventSelector,
  toFunctionSelector,
  toHex,
} from 'viem'
import { describe, expect, it } from 'vitest'
import {
  encodeSettlementHeader,
  type SettlementHeader,
  settlementAbi,
  settlementHashField,
  settlementReportData,
} from '../../src/index.js'

// packages/chain carries a copy of the header encoding and of the submit ABI for the SPN (which must not
// import mainnet); these tests keep the copy equal to the contract the main net runs.
describe('chain package copy of the settlement interface', () => {
  const header: SettlementHeader = {
    spnId: 9n,
    fromBlock: 31n,
    toBlock: 40n,
    prevStateRoot: keccak256(toHex('p')),
    newStateRoot: keccak256(toHex('n')),
    prevExitRoot: keccak256(toHex('e1')),
    newExitRoot: keccak256(toHex('e2')),
    startIndex: 48n,
    leafCount: 16n,
  }

  it('encodes the header and its report data identically', () => {
    expect(chainEncodeHeader(header)).toBe(encodeSettlementHeader(header))
    expect(chainReportData(header)).toEqual(settlementReportData(header))
  })

  it("binds the header the way the circuit and the enclave do (zk-bridge's toField, tee-attest's report data)", () => {
    const encoded = encodeSettlementHeader(header)
    // A wrong field order here made every SPN settlement fail the contract's settlementHash check once.
    expect(settlementHashField(header)).toBe(toField(BigInt(keccak256(encoded))))
    expect(settlementHashField(header)).toBeLessThan(SNARK_SCALAR_FIELD)
    expect(settlementReportData(header)).toEqual(reportDataForSettlement(hexToBytes(encoded)))
  })

  it("submit, tipOf and SettlementAccepted match the compiled Settlement's ABI", () => {
    expect(settlementSubmitAbi.length).toBe(3)
    for (const item of settlementSubmitAbi as readonly (AbiFunction | AbiEvent)[]) {
      const compiled = settlementAbi.find((x) => x.type === item.type && 'name' in x && x.name === item.name)
      expect(compiled, item.name).toBeDefined()
      if (item.type === 'function')
        expect(toFunctionSelector(item as AbiFunction)).toBe(toFunctionSelector(compiled as AbiFunction))
      if (item.type === 'event')
        expect(toEventSelector(item as AbiEvent)).toBe(toEventSelector(compiled as AbiEvent))
    }
  })
})
