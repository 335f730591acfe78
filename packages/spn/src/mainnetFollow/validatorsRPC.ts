import { type Address, isAddress } from 'viem'
import { MainnetValidatorsUnavailableError } from './errors.js'

/** What the SPN knows of the main net's validators after one read: their head, epoch and signer addresses. */
export type MainnetValidatorSnapshot = {
  /** The main-net head the answer was read at. */
  head: bigint
  /** Blocks per epoch (a set change takes effect at an epoch boundary at least one epoch after the call). */
  epochLength: number
  /** Every address signing at the head or scheduled to sign within the next two epochs. */
  addresses: Address[]
}

/** Reads one snapshot of the main net's validators (the SPN's gate calls it when it needs to know more). */
export type FetchMainnetValidators = () => Promise<MainnetValidatorSnapshot>

type ValidatorsAnswer = { number: string; epochLength: number; validators: Array<{ address: string }> }

function isValidatorsAnswer(v: unknown): v is ValidatorsAnswer {
  if (v === null || typeof v !== 'object') return false
  const a = v as Partial<ValidatorsAnswer>
  return (
    typeof a.number === 'string' &&
    /^0x[0-9a-f]+$/i.test(a.number) &&
    Number.isSafeInteger(a.epochLength) &&
    (a.epochLength as number) > 0 &&
    Array.isArray(a.validators) &&
    a.validators.length > 0 &&
    a.validators.every((e) => e !== null && typeof e === 'object' && isAddress(String(e.address)))
  )
}

/**
 * Reads the main net's validators over its JSON-RPC: `mesh_getValidators(['latest'])` for the head and the
 * epoch, then the sets of the next two epochs (`mesh_getValidators([head + epoch])`, `[head + 2 × epoch]`),
 * so a validator that governance just scheduled is known before its first header arrives. Throws
 * `MainnetValidatorsUnavailableError` when the node does not answer with a validator set.
 *
 * @example
 * ```ts
 * import { mainnetValidatorsOverRPC } from '@rollup-mesh/spn'
 *
 * const read = mainnetValidatorsOverRPC('http://127.0.0.1:8545')
 * const { head, epochLength, addresses } = await read()
 * console.log(head, epochLength, addresses) // 42n 100 [ '0xf39F…', … ]
 * ```
 */
export function mainnetValidatorsOverRPC(rpcUrl: string, timeoutMs = 5_000): FetchMainnetValidators {
  let id = 0
  const call = async (params: unknown[]): Promise<ValidatorsAnswer> => {
    let body: { result?: unknown; error?: { message?: string } }
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'mesh_getValidators', params }),
        signal: AbortSignal.timeout(timeoutMs),
      })
      body = (await res.json()) as typeof body
    } catch (err) {
      throw new MainnetValidatorsUnavailableError(rpcUrl, 'no answer', { cause: err })
    }
    if (body.error) throw new MainnetValidatorsUnavailableError(rpcUrl, `error "${body.error.message}"`)
    if (!isValidatorsAnswer(body.result))
      throw new MainnetValidatorsUnavailableError(rpcUrl, 'the answer is not a validator set')
    return body.result
  }
  return async () => {
    const now = await call(['latest'])
    const head = BigInt(now.number)
    const epoch = BigInt(now.epochLength)
    const later = await Promise.all([
      call([`0x${(head + epoch).toString(16)}`]),
      call([`0x${(head + 2n * epoch).toString(16)}`]),
    ])
    const addresses = new Map<string, Address>()
    for (const answer of [now, ...later])
      for (const v of answer.validators) addresses.set(v.address.toLowerCase(), v.address as Address)
    return { head, epochLength: now.epochLength, addresses: [...addresses.values()] }
  }
}
