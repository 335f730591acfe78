/** Progress of a long proof or build step, for logs and CLI progress bars. */
export type ProgressEvent = { stage: string; done?: number; total?: number }

export type ProveOptions = {
  onProgress?: (event: ProgressEvent) => void
  signal?: AbortSignal
}

/** A Groth16 proof in snarkjs' JSON shape plus its public signals (decimal strings). */
export type Groth16Proof = {
  proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: 'groth16'; curve: 'bn128' }
  publicSignals: string[]
}

/** Proves settlements (implemented by `zk-bridge`). */
export interface Prover<TInput> {
  prove(input: TInput, options?: ProveOptions): Promise<Groth16Proof>
}

/** Whether an attestation comes from real hardware or the simulated enclave. */
export type AttestationMode = 'hardware' | 'simulated'

/** Produces enclave quotes over 64 bytes of report data (implemented by `tee-attest`). */
export interface Attestor {
  readonly mode: AttestationMode
  /** The enclave measurement (mr_enclave) its quotes carry, 32 bytes. */
  readonly measurement: Uint8Array
  attest(reportData: Uint8Array): Promise<Uint8Array>
}
