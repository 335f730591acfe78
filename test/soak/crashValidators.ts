import type { Hex } from 'viem'
import { until } from './processes.js'
import { call, callBatch } from './rpcClient.js'

/** A main-net validator of the crash mesh, by name with its current RPC URL. */
export type ValidatorEndpoint = { name: string; url: () => string }

/**
 * The crash scenario's check for main-net validators: once every validator answers and has passed the
 * height the first one had, every block 1..that height has one hash on all of them. Returns the number of
 * heights compared and each disagreement in words.
 */
export async function validatorAgreement(
  validators: readonly ValidatorEndpoint[],
  timeoutMs: number,
): Promise<{ heights: number; failures: string[] }> {
  if (validators.length < 2) return { heights: 0, failures: [] }
  const failures: string[] = []
  const first = validators[0] as ValidatorEndpoint
  const top = Number(await call(first.url(), 'eth_blockNumber'))
  try {
    await until(
      async () => {
        for (const v of validators) if (Number(await call(v.url(), 'eth_blockNumber')) < top) return false
        return true
      },
      timeoutMs,
      `every validator at height ${top}`,
    )
  } catch (err) {
    failures.push(`validators did not all reach height ${top}: ${(err as Error).message}`)
    return { heights: 0, failures }
  }
  // every validator's blocks 1..top, in batches
  const heights = Array.from({ length: top }, (_, i) => [`0x${(i + 1).toString(16)}`, false])
  const chains = await Promise.all(
    validators.map(
      async (v) => (await callBatch(v.url(), 'eth_getBlockByNumber', heights)) as { hash: Hex }[],
    ),
  )
  for (let n = 1; n <= top; n++) {
    const hashes = new Map<Hex, string[]>()
    for (const [i, v] of validators.entries()) {
      const b = chains[i]?.[n - 1] as { hash: Hex }
      hashes.set(b.hash, [...(hashes.get(b.hash) ?? []), v.name])
    }
    if (hashes.size > 1)
      failures.push(
        `main-net block ${n} differs between validators: ${[...hashes].map(([h, names]) => `${names.join('+')}=${h}`).join(' ')}`,
      )
    if (failures.length >= 5) break
  }
  return { heights: top, failures }
}
