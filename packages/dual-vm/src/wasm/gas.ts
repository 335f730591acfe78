/**
 * The WASM gas schedule. Instruction costs are charged per basic block before
 * the block runs (see `instrument.ts`); host functions charge on entry (see
 * `engine.ts`). Storage, log, hashing and call prices follow the EVM's so that
 * the same contract costs about the same in either VM.
 */

/** Cost of most instructions: constants, locals, globals, integer ALU, comparisons, control flow. */
export const GAS_BASE = 1n
/** `i32/i64.mul`. */
export const GAS_MUL = 2n
/** `i32/i64.div_s/div_u/rem_s/rem_u`. */
export const GAS_DIV = 4n
/** Memory loads and stores. */
export const GAS_MEMORY_ACCESS = 2n
/** `call` (the callee's own blocks are charged when they run). */
export const GAS_CALL = 4n
/** `call_indirect`. */
export const GAS_CALL_INDIRECT = 8n
/** `br_table` (plus nothing per entry: it is a jump). */
export const GAS_BR_TABLE = 2n
/** `memory.grow`: charged up front, plus `GAS_MEMORY_PAGE` per page requested. */
export const GAS_MEMORY_GROW = 8n
/** Per 64 KiB page requested by `memory.grow` (charged even when growth fails). */
export const GAS_MEMORY_PAGE = 2048n
/** `memory.copy/fill/init`: charged up front, plus `GAS_COPY_WORD` per 32 bytes. */
export const GAS_BULK_MEMORY = 4n
/** Per 32-byte word moved by `memory.copy/fill/init` and by host functions that copy. */
export const GAS_COPY_WORD = 3n

/** Host functions (module `mesh`). */
export const HOST_GAS = {
  /** calldata_size, returndata_size, caller, origin, address, callvalue, block_*, chain_id, gas_left. */
  context: 2n,
  /** calldata_copy, returndata_copy, finish, revert: plus GAS_COPY_WORD per word. */
  copy: 3n,
  /** storage_load (flat; the EVM's cold SLOAD). */
  sload: 2100n,
  /** storage_store when the value does not change (the EVM's warm no-op). */
  sstoreNoop: 100n,
  /** storage_store setting a zero slot to non-zero. */
  sstoreSet: 20000n,
  /** storage_store changing a non-zero slot (or clearing it). */
  sstoreReset: 2900n,
  /** balance of any account (the EVM's cold BALANCE). */
  balance: 2600n,
  /** log: plus `logTopic` per topic and `logByte` per data byte. */
  log: 375n,
  logTopic: 375n,
  logByte: 8n,
  /** keccak256: plus `keccakWord` per 32 bytes. */
  keccak: 30n,
  keccakWord: 6n,
  /** call/staticcall: plus `callValue` when value > 0, plus the gas the callee used. */
  call: 2600n,
  callValue: 9000n,
  /**
   * A call also pays for the re-run it causes (record/replay, see engine.ts):
   * (gas used so far in the frame, callees excluded) / replayDivisor.
   */
  replayDivisor: 16n,
} as const

/** Gas charged for copying `bytes` bytes: `GAS_COPY_WORD` per started 32-byte word. */
export function copyGas(bytes: number): bigint {
  return BigInt(Math.ceil(bytes / 32)) * GAS_COPY_WORD
}
