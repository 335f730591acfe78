import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import fc from 'fast-check'
import { type Abi, type Address, encodeDeployData, encodeFunctionData, type Hex, maxUint256 } from 'viem'
import { accounts } from '../../helpers.js'
import type { DualEngineChain, FuzzCall } from './dualEngineChain.js'

/** The senders of fuzzed calls (funded dev accounts). */
export const actors: readonly Address[] = accounts
export const ZERO: Address = '0x0000000000000000000000000000000000000000'
/** An address nothing ever touched before the fuzz (a fresh recipient). */
export const FRESH: Address = '0x00000000000000000000000000000000f2e5f2e5'

export type Artifact = { abi: Abi; bytecode: Hex }

const require = createRequire(import.meta.url)

/** A compiled artifact from an npm package's build folder (Uniswap's v2-core / v2-periphery). */
export function npmArtifact(path: string): Artifact {
  const json = JSON.parse(readFileSync(require.resolve(path), 'utf8')) as {
    abi: Abi
    bytecode?: string
    evm?: { bytecode: { object: string } }
  }
  const code = json.evm?.bytecode.object ?? json.bytecode ?? ''
  return { abi: json.abi, bytecode: (code.startsWith('0x') ? code : `0x${code}`) as Hex }
}

export const deployData = (a: Artifact, args: readonly unknown[] = []) =>
  encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args })

export const callData = (a: { abi: Abi }, functionName: string, args: readonly unknown[] = []) =>
  encodeFunctionData({ abi: a.abi, functionName, args })

/** Deploys `artifact` from `from` in its own block; the new contract's address. */
export async function deploy(
  chain: DualEngineChain,
  from: Address,
  artifact: Artifact,
  args: readonly unknown[] = [],
): Promise<Address> {
  const [receipt] = await chain.block([{ from, to: null, data: deployData(artifact, args), gas: 8_000_000n }])
  if (receipt?.status !== 1 || !receipt.contractAddress) throw new Error('fixture deployment failed')
  return receipt.contractAddress
}

/** Token amounts: ordinary ones, and the edges (0, 1, 2^112 ± 1, 2^255, 2^256 - 1 ...). */
export const amount = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 22n }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(0n, 1n, 2n ** 112n - 1n, 2n ** 112n, 2n ** 255n, maxUint256 - 1n, maxUint256),
  },
  fc.bigInt({ min: 0n, max: maxUint256 }),
)

/** Ether sent with a call: mostly none (non-payable functions revert on any). */
export const callValue = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0n) },
  fc.constantFrom(1n, 10n ** 15n, 10n ** 18n),
)

/** A gas limit: plenty, or too little somewhere in the call (raised to intrinsic gas by the chain). */
export const gasLimit = fc.oneof(
  { weight: 3, arbitrary: fc.constant(3_000_000n) },
  fc.bigInt({ min: 21_000n, max: 130_000n }),
  fc.bigInt({ min: 21_000n, max: 30_000n }),
)

/**
 * Calldata as encoded, or now and then mangled: cut short (an ABI decoding failure), extended with junk
 * bytes, or an unknown selector.
 */
export function mangled(data: fc.Arbitrary<Hex>): fc.Arbitrary<Hex> {
  return fc.oneof(
    { weight: 12, arbitrary: data },
    fc
      .tuple(data, fc.nat({ max: 68 }))
      .map(([d, n]) => d.slice(0, 2 + 2 * Math.min(n, (d.length - 2) / 2)) as Hex),
    fc
      .tuple(data, fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([d, junk]) => `${d}${Buffer.from(junk).toString('hex')}` as Hex),
    fc.uint8Array({ minLength: 4, maxLength: 40 }).map((b) => `0x${Buffer.from(b).toString('hex')}` as Hex),
  )
}

/** Calls from random actors to `to` with random value and gas; `data` picks the function and arguments. */
export function callsTo(to: Address, data: fc.Arbitrary<Hex>): fc.Arbitrary<FuzzCall[]> {
  return fc
    .record({ from: fc.constantFrom(...actors), data: mangled(data), value: callValue, gas: gasLimit })
    .map((c) => [{ ...c, to }])
}

/** A sequence of blocks, each of one to four actions (an action is one call or a few in a row). */
export function blocksOf(action: fc.Arbitrary<FuzzCall[]>): fc.Arbitrary<FuzzCall[][]> {
  return fc
    .array(fc.array(action, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 })
    .map((blocks) => blocks.map((actions) => actions.flat()))
}
