/** @rollup-mesh/consensus/sim: the deterministic simulator (node tests reuse it; nodes never load it). */

export { runSimBatch, type SimBatchSummary } from './sim/batch.js'
export { checkRun, type SimViolation } from './sim/checker.js'
export { EventQueue } from './sim/eventQueue.js'
export { createPRNG, type PRNG } from './sim/prng.js'
export {
  runScenario,
  SIM_TICK_MS,
  SIM_TIMEOUTS,
  type SimDecision,
  type SimInjection,
  type SimInstance,
  type SimRun,
  TERMINATION_BOUND_MS,
} from './sim/runner.js'
export { type ByzantineKind, type Partition, type Scenario, scenarioFromSeed } from './sim/scenario.js'
export { INVALID_SALT, isValidSimValue, simValue } from './sim/simValues.js'
