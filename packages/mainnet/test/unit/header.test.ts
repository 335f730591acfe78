import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { createMemoryState, simulateCall } from '@rollup-mesh/dual-vm'
import { reportDataForSettlement, VERIFY_STATUSES } from '@rollup-mesh/tee-attest'
import { getSettlementArtifacts, toField, ZERO_HASHES } from '@rollup-mesh/zk-bridge'
import {
  decodeAbiParameters,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  hexToBytes,
  keccak256,
  numberToHex,
  toHex,
} from 'viem'
import { describe, expect, it } from 'vitest'
import { contractSources, sourcesHash } from '../../scripts/build-contracts.js'
import {
  CONTRACTS_SOURCES_HASH,
  decodeSettlementHeader,
  encodeGroth16Proof,
  encodeSettlementHeader,
  SETTLEMENT_HEADER_LENGTH,
  SETTLEMENT_VK_HASH,
  type SettlementHeader,
  settlementHashField,
  settlementHeaderHash,
  settlementPublicSignals,
  settlementReportData,
  spnRegistryAbi,
  systemContractsAlloc,
  verifyingKeyHash,
} from '../../src/index.js'

const header: SettlementHeader = {
  spnId: 3n,
  fromBlock: 11n,
  toBlock: 20n,
  prevStateRoot: keccak256(toHex('a')),
  newStateRoot: keccak256(toHex('b')),
  prevExitRoot: numberToHex(ZERO_HASHES[24]!, { size: 32 }),
  newExitRoot: numberToHex(12345n, { size: 32 }),
  startIndex: 16n,
  leafCount: 4n,
}

describe('settlement header encoding', () => {
  it('is the 288-byte ABI tuple and decodes back', () => {
    const encoded = encodeSettlementHeader(header)
    expect(hexToBytes(encoded).length).toBe(SETTLEMENT_HEADER_LENGTH)
    expect(decodeSettlementHeader(encoded)).toEqual(header)
    // Field order: spnId is the first word, leafCount the last.
    expect(BigInt(`0x${encoded.slice(2, 66)}`)).toBe(3n)
    expect(BigInt(`0x${encoded.slice(-64)}`)).toBe(4n)
    expect(() => decodeSettlementHeader(`${encoded}00`)).toThrow(/288 bytes/)
    expect(() => encodeSettlementHeader({ ...header, leafCount: 17n })).toThrow(/leafCount/)
  })

  it('hashes as zk-bridge (toField of keccak256) and tee-attest (report data) expect', () => {
    const encoded = encodeSettlementHeader(header)
    expect(settlementHeaderHash(header)).toBe(keccak256(encoded))
    expect(settlementHashField(header)).toBe(toField(BigInt(keccak256(encoded))))
    expect(settlementReportData(header)).toEqual(reportDataForSettlement(hexToBytes(encoded)))
    expect(settlementPublicSignals(header)).toEqual([
      ZERO_HASHES[24],
      12345n,
      16n,
      4n,
      settlementHashField(header),
    ])
  })

  it('encodes a snarkjs proof as the Solidity verifier takes it (G2 limbs swapped)', () => {
    const proof = {
      pi_a: ['1', '2', '1'],
      pi_b: [
        ['3', '4'],
        ['5', '6'],
        ['1', '0'],
      ],
      pi_c: ['7', '8', '1'],
      protocol: 'groth16' as const,
      curve: 'bn128' as const,
    }
    const [a, b, c] = decodeAbiParameters(
      [{ type: 'uint256[2]' }, { type: 'uint256[2][2]' }, { type: 'uint256[2]' }],
      encodeGroth16Proof(proof),
    )
    expect(a).toEqual([1n, 2n])
    expect(b).toEqual([
      [4n, 3n],
      [6n, 5n],
    ])
    expect(c).toEqual([7n, 8n])
  })
})

describe('system contracts', () => {
  const settlementSol = readFileSync(join(import.meta.dirname, '../../contracts/Settlement.sol'), 'utf8')

  it('committed bytecode was built from the current sources (npm run build:contracts)', () => {
    expect(CONTRACTS_SOURCES_HASH).toBe(sourcesHash(contractSources()))
  })

  it('Settlement.sol constants match zk-bridge and tee-attest', () => {
    const empty = /EMPTY_EXIT_ROOT = (0x[0-9a-f]{64})/.exec(settlementSol)?.[1]
    expect(empty).toBe(numberToHex(ZERO_HASHES[24]!, { size: 32 }))
    const names = /string\[19\] memory names = \[([^\]]*)\]/.exec(settlementSol)?.[1]
    expect(names?.match(/"[^"]+"/g)?.map((n) => n.slice(1, -1))).toEqual([...VERIFY_STATUSES])
  })

  it('SETTLEMENT_VK_HASH is the committed verifying key', async () => {
    expect(verifyingKeyHash((await getSettlementArtifacts()).vkey)).toBe(SETTLEMENT_VK_HASH)
  })

  it('genesis writes the registry owner, minBond and verifier table into the right slots', async () => {
    const governance = '0x00000000000000000000000000000000000000aa'
    const state = createMemoryState(
      systemContractsAlloc({ governance, minBond: 777n, vkHash: SETTLEMENT_VK_HASH }),
    )
    const read = async (functionName: 'owner' | 'minBond' | 'verifiers', args: readonly Hex[] = []) => {
      const r = await simulateCall({
        header: {
          number: 1n,
          timestamp: 1n,
          coinbase: governance,
          baseFeePerGas: 0n,
          gasLimit: 30_000_000n,
          chainId: 900n,
          prevRandao: numberToHex(0n, { size: 32 }),
        },
        state,
        to: SYSTEM_ADDRESSES.mainnet.spnRegistry,
        data: encodeFunctionData({ abi: spnRegistryAbi, functionName, args } as never),
      })
      expect(r.success).toBe(true)
      return decodeFunctionResult({
        abi: spnRegistryAbi,
        functionName,
        data: r.returnData,
      } as never) as unknown
    }
    expect(String(await read('owner')).toLowerCase()).toBe(governance)
    expect(await read('minBond')).toBe(777n)
    expect(String(await read('verifiers', [SETTLEMENT_VK_HASH])).toLowerCase()).toBe(
      SYSTEM_ADDRESSES.mainnet.groth16Verifier,
    )
    expect(String(await read('verifiers', [keccak256('0x01')]))).toBe(
      '0x0000000000000000000000000000000000000000',
    )
  })
})
