import { BaseError } from '@rollup-mesh/core'

/** The executor's bookkeeping disagrees with the state (a bug, never a user error). */
export class StateInvariantError extends BaseError {
  constructor(what: string) {
    super(`State invariant violated: ${what}.`, { code: 'STATE_INVARIANT', name: 'StateInvariantError' })
  }
}

/** A WASM contract tried to write state inside a STATICCALL (the engine turns it into a revert). */
export class StaticCallViolationError extends BaseError {
  constructor() {
    super('State change inside a static call.', {
      code: 'STATIC_CALL_VIOLATION',
      name: 'StaticCallViolationError',
      metaMessages: ['- sstore, logs and value transfers are not allowed in a STATICCALL context.'],
    })
  }
}

/** A PeerDAS cell method was asked of the execution KZG (only point evaluation and blob proofs are served). */
export class KZGUnsupportedError extends BaseError {
  constructor(method: string) {
    super(`KZG ${method} is not available in the execution engine.`, {
      code: 'KZG_UNSUPPORTED',
      name: 'KZGUnsupportedError',
      metaMessages: ['- Only point evaluation (EIP-4844 precompile 0x0a) and blob proofs are served.'],
    })
  }
}
