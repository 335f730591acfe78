// Minimal typings for the parts of snarkjs 0.7 this package uses (snarkjs ships none).
declare module 'snarkjs' {
  type Logger = {
    debug: (msg: string) => void
    info: (msg: string) => void
    warn: (msg: string) => void
    error: (msg: string) => void
  }
  type MemFile = { type: 'mem'; data?: Uint8Array }
  type FileLike = string | Uint8Array | MemFile
  type Curve = { terminate: () => Promise<void> }
  type SnarkProof = { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string }

  export const groth16: {
    prove(
      zkey: FileLike,
      witness: FileLike,
      logger?: Logger,
      options?: { singleThread?: boolean },
    ): Promise<{ proof: SnarkProof; publicSignals: string[] }>
    verify(vkey: unknown, publicSignals: unknown, proof: unknown, logger?: Logger): Promise<boolean>
  }
  export const wtns: {
    calculate(
      input: Record<string, unknown>,
      wasm: FileLike,
      wtns: FileLike,
      options?: unknown,
    ): Promise<void>
  }
  export const curves: {
    getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<Curve>
  }
  export const r1cs: {
    info(
      r1cs: FileLike,
      logger?: Logger,
    ): Promise<{ nConstraints: number; nVars: number; nPubInputs: number }>
  }
  export const powersOfTau: {
    newAccumulator(curve: Curve, power: number, file: string, logger?: Logger): Promise<unknown>
    beacon(
      oldFile: string,
      newFile: string,
      name: string,
      beaconHash: string,
      numIterationsExp: number,
      logger?: Logger,
    ): Promise<unknown>
    preparePhase2(oldFile: string, newFile: string, logger?: Logger): Promise<unknown>
  }
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>
    beacon(
      oldFile: string,
      newFile: string,
      name: string,
      beaconHash: string,
      numIterationsExp: number,
      logger?: Logger,
    ): Promise<unknown>
    exportVerificationKey(zkey: FileLike, logger?: Logger): Promise<Record<string, unknown>>
    exportSolidityVerifier(zkey: FileLike, templates: { groth16: string }, logger?: Logger): Promise<string>
  }
}
