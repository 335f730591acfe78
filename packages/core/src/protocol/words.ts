import type { Hex } from 'viem'

/** A zero 32-byte word: the value of every storage slot never written. */
export const ZERO_WORD: Hex = `0x${'00'.repeat(32)}`
