// Runs the exported Solidity verifier in @ethereumjs/evm (the engine dual-vm wraps), compiled with solc-js.
// TODO(lead): switch to dual-vm's executor once it lands.
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createEVM } from '@ethereumjs/evm'
import solc from 'solc'
import { type Abi, bytesToHex, decodeFunctionResult, encodeFunctionData, type Hex, hexToBytes } from 'viem'

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[]
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>
}

export function compileVerifier(source: string): { abi: Abi; bytecode: Hex } {
  const input = {
    language: 'Solidity',
    sources: { 'Verifier.sol': { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  const contract = output.contracts['Verifier.sol']?.Groth16Verifier
  if (!contract) throw new Error('Groth16Verifier not in solc output')
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }
}

export type EvmVerifier = {
  /** Calls verifyProof; returns the decoded bool (false on revert), gas used and wall time. */
  verify(args: readonly unknown[]): Promise<{ ok: boolean; gasUsed: bigint; ms: number; reverted: boolean }>
}

export async function deployVerifier(source: string): Promise<EvmVerifier> {
  const { abi, bytecode } = compileVerifier(source)
  const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) })
  const deployed = await evm.runCall({ data: hexToBytes(bytecode), gasLimit: 10_000_000n })
  if (deployed.execResult.exceptionError || !deployed.createdAddress)
    throw new Error(`deploy failed: ${deployed.execResult.exceptionError?.error}`)
  const to = deployed.createdAddress
  return {
    async verify(args) {
      const data = encodeFunctionData({ abi, functionName: 'verifyProof', args })
      const started = performance.now()
      const result = await evm.runCall({ to, data: hexToBytes(data), gasLimit: 1_000_000n })
      const ms = performance.now() - started
      const reverted = result.execResult.exceptionError !== undefined
      const ok =
        !reverted &&
        (decodeFunctionResult({
          abi,
          functionName: 'verifyProof',
          data: bytesToHex(result.execResult.returnValue),
        }) as boolean)
      return { ok, gasUsed: result.execResult.executionGasUsed, ms, reverted }
    },
  }
}

/** snarkjs proof + public signals -> verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[N] pub). */
export function verifierArgs(
  proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[] },
  publicSignals: readonly string[],
): readonly unknown[] {
  const n = (s: string | undefined) => BigInt(s as string)
  const b = proof.pi_b as [string[], string[]]
  return [
    [n(proof.pi_a[0]), n(proof.pi_a[1])],
    // the precompile takes G2 coordinates as (imaginary, real)
    [
      [n(b[0][1]), n(b[0][0])],
      [n(b[1][1]), n(b[1][0])],
    ],
    [n(proof.pi_c[0]), n(proof.pi_c[1])],
    publicSignals.map((s) => BigInt(s)),
  ]
}
