import { type Abi, type AbiFunction, type AbiParameter, isAddress, parseAbi } from 'viem'

/** The read functions (view or pure) of an ABI, in its order. */
export function readFunctions(abi: Abi): AbiFunction[] {
  return abi.filter(
    (i): i is AbiFunction =>
      i.type === 'function' && (i.stateMutability === 'view' || i.stateMutability === 'pure'),
  )
}

/** The write functions (nonpayable or payable) of an ABI, in its order. */
export function writeFunctions(abi: Abi): AbiFunction[] {
  return abi.filter(
    (i): i is AbiFunction =>
      i.type === 'function' && (i.stateMutability === 'nonpayable' || i.stateMutability === 'payable'),
  )
}

/** An amount of ETH typed into a form (`1.5`, `0`, empty = 0) in wei; throws naming what was expected. */
export function parseEtherInput(text: string): bigint {
  const v = text.trim() || '0'
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(v)
  if (!m) throw new SyntaxError(`value: expected an amount of ETH (e.g. 0.5), got "${v}"`)
  return BigInt(m[1]!) * 10n ** 18n + BigInt((m[2] ?? '').padEnd(18, '0'))
}

/**
 * An ABI a person pasted: JSON (an array, or an artifact with an `abi` field) or human-readable lines
 * (`function balanceOf(address) view returns (uint256)`). Throws a message naming what was wrong.
 */
export function parseUserAbi(text: string): Abi {
  const t = text.trim()
  if (t.startsWith('[') || t.startsWith('{')) {
    const v = JSON.parse(t) as unknown
    const abi = Array.isArray(v) ? v : (v as { abi?: unknown }).abi
    if (!Array.isArray(abi))
      throw new SyntaxError('expected a JSON ABI array, or an object with an "abi" array')
    return abi as Abi
  }
  return parseAbi(
    t
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  )
}

/**
 * One argument typed into a form, as the ABI type wants it: integers as bigint, `true`/`false`, an address
 * (checked), hex bytes, arrays and tuples as JSON. Throws a message naming the argument and what was expected.
 */
export function parseArg(param: AbiParameter, text: string): unknown {
  const name = param.name || param.type
  const t = param.type
  const v = text.trim()
  const fail = (expected: string): never => {
    throw new SyntaxError(`${name}: expected ${expected}, got "${v}"`)
  }
  if (t.endsWith(']') || t.startsWith('tuple')) {
    try {
      return JSON.parse(v, (_k, x) => (typeof x === 'string' && /^-?\d+$/.test(x) ? BigInt(x) : x))
    } catch {
      return fail(`JSON for ${t}`)
    }
  }
  if (/^u?int\d*$/.test(t)) {
    if (!/^(-?\d+|0x[0-9a-fA-F]+)$/.test(v)) return fail('an integer (decimal or 0x hex)')
    const n = BigInt(v)
    if (t.startsWith('uint') && n < 0n) return fail('a non-negative integer')
    return n
  }
  if (t === 'bool') return v === 'true' ? true : v === 'false' ? false : fail('true or false')
  if (t === 'address') return isAddress(v, { strict: false }) ? v : fail('an address (0x + 40 hex digits)')
  if (t.startsWith('bytes')) {
    const size = Number(t.slice(5)) || undefined
    if (!/^0x([0-9a-fA-F]{2})*$/.test(v) || (size !== undefined && v.length !== 2 + 2 * size))
      return fail(size ? `${size} bytes of hex (0x + ${2 * size} digits)` : 'hex bytes (0x…)')
    return v
  }
  return v
}

/** A decoded result as text: bigints in decimal, arrays and named tuples as JSON. */
export function formatResult(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'number') return String(v)
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))
}
