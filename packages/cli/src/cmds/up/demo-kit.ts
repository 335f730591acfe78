// What the demo's parts share: where the example contracts are, ABI lookup, the step record.
import { fileURLToPath } from 'node:url'
import type { AbiFunction } from 'viem'

/** examples/contracts of this repository (the same from src/ and dist/). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../../examples/contracts/', import.meta.url))

/** The function `name` of a compiled contract's ABI. */
export const fn = (abi: readonly unknown[], name: string) =>
  (abi as AbiFunction[]).find((i) => i.type === 'function' && i.name === name)!

export type DemoStep = { step: string; network: string; detail: Record<string, string> }
