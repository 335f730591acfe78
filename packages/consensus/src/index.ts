/** @rollup-mesh/consensus: the BFT protocol core (state machine, validator keys, commit certificates). */
export const CONSENSUS_PACKAGE = '@rollup-mesh/consensus'
