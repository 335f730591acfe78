import { existsSync, readFileSync } from 'node:fs'
import { devAccounts } from '@rollup-mesh/core'
import {
  type Abi,
  type AbiFunction,
  type AbiItem,
  type AbiParameter,
  type Hex,
  isAddress,
  isHex,
  parseAbiItem,
  parseUnits,
  toFunctionSignature,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { MeshCliError } from '../errors.js'

/** Splits `name(types)(returns)` at its balanced parentheses. */
function splitSignature(sig: string): { name: string; inputs: string; outputs?: string } | undefined {
  const open = sig.indexOf('(')
  if (open <= 0) return undefined
  let depth = 0
  for (let i = open; i < sig.length; i++) {
    if (sig[i] === '(') depth++
    else if (sig[i] === ')') depth--
    if (depth === 0) {
      const rest = sig.slice(i + 1).trim()
      if (rest && !(rest.startsWith('(') && rest.endsWith(')'))) return undefined
      return {
        name: sig.slice(0, open).trim(),
        inputs: sig.slice(open + 1, i),
        ...(rest ? { outputs: rest.slice(1, -1) } : {}),
      }
    }
  }
  return undefined
}

/**
 * A function from a signature (`balanceOf(address)`, `balanceOf(address)(uint256)`
 * or `function balanceOf(address) view returns (uint256)`), or by name from `abi`.
 */
export function resolveFunction(fn: string, abi: Abi | undefined, argCount: number): AbiFunction {
  const text = fn.trim()
  if (abi && /^[A-Za-z_$][\w$]*$/.test(text)) {
    const candidates = abi.filter((i): i is AbiFunction => i.type === 'function' && i.name === text)
    const match = candidates.find((c) => c.inputs.length === argCount) ?? candidates[0]
    if (!match)
      throw new MeshCliError(`The ABI has no function "${text}".`, {
        code: 'FUNCTION_NOT_FOUND',
        metaMessages: [
          `- Functions: ${abi
            .filter((i): i is AbiFunction => i.type === 'function')
            .map((i) => toFunctionSignature(i))
            .join(', ')}.`,
        ],
      })
    return match
  }
  let human = text
  if (!text.startsWith('function ')) {
    const parts = splitSignature(text)
    if (!parts)
      throw new MeshCliError(`Function "${fn}" is not a signature.`, {
        code: 'BAD_SIGNATURE',
        metaMessages: [
          '- Write it like "balanceOf(address)" or "balanceOf(address)(uint256)" (inputs, then outputs),',
          '  or pass --abi <file.json> and just the name.',
        ],
      })
    human = `function ${parts.name}(${parts.inputs})${parts.outputs !== undefined ? ` returns (${parts.outputs})` : ''}`
  }
  let item: AbiItem
  try {
    item = parseAbiItem(human)
  } catch (err) {
    throw new MeshCliError(`Function "${fn}" is not a valid signature.`, {
      code: 'BAD_SIGNATURE',
      details: (err as Error).message.split('\n')[0],
    })
  }
  if (item.type !== 'function')
    throw new MeshCliError(`"${fn}" is not a function signature (it parses as a ${item.type}).`, {
      code: 'BAD_SIGNATURE',
      metaMessages: ['- Write it like "balanceOf(address)(uint256)".'],
    })
  const fromAbi = abi?.find(
    (i): i is AbiFunction => i.type === 'function' && toFunctionSignature(i) === toFunctionSignature(item),
  )
  return fromAbi && item.outputs.length === 0 ? fromAbi : item
}

export function readAbiFile(path: string): Abi {
  if (!existsSync(path))
    throw new MeshCliError(`ABI file ${path} does not exist.`, { code: 'FILE_NOT_FOUND' })
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new MeshCliError(`ABI file ${path} is not valid JSON.`, {
      code: 'ABI_FILE_INVALID',
      details: (err as Error).message,
    })
  }
  const abi = Array.isArray(raw) ? raw : (raw as { abi?: unknown } | null)?.abi
  if (!Array.isArray(abi))
    throw new MeshCliError(`ABI file ${path} is not a JSON ABI.`, {
      code: 'ABI_FILE_INVALID',
      metaMessages: [
        '- It must hold a JSON array, or an object with an "abi" array (what `mesh compile` writes).',
      ],
    })
  return abi as Abi
}

/** Parses an amount like `1ether`, `2.5gwei`, `100` (wei) or `0x10`. */
export function parseAmount(value: string, what = 'value'): bigint {
  const v = value.trim()
  if (/^0x[0-9a-fA-F]+$/.test(v)) return BigInt(v)
  const m = /^(\d+(?:\.\d+)?)\s*(ether|eth|gwei|wei)?$/i.exec(v)
  if (!m)
    throw new MeshCliError(`${what} "${value}" is not an amount.`, {
      code: 'BAD_AMOUNT',
      metaMessages: ['- Use wei (1000), or a unit: 1ether, 2.5gwei.'],
    })
  const unit = (m[2] ?? 'wei').toLowerCase()
  return parseUnits(m[1]!, unit === 'wei' ? 0 : unit === 'gwei' ? 9 : 18)
}

/** One command-line argument as the ABI type wants it (JSON for arrays and tuples). */
export function parseArg(param: AbiParameter, raw: unknown): unknown {
  const type = param.type
  const label = param.name ? `${param.name} (${type})` : type
  const fail = (expected: string): never => {
    throw new MeshCliError(`Argument ${label} = ${JSON.stringify(raw)} is invalid: expected ${expected}.`, {
      code: 'BAD_ARGUMENT',
    })
  }
  if (type.endsWith(']')) {
    const list = typeof raw === 'string' ? safeJson(raw) : raw
    if (!Array.isArray(list)) return fail('a JSON array')
    const inner = { ...param, type: type.slice(0, type.lastIndexOf('[')) } as AbiParameter
    return list.map((v) => parseArg(inner, v))
  }
  if (type === 'tuple') {
    const value = typeof raw === 'string' ? safeJson(raw) : raw
    const components = (param as { components?: readonly AbiParameter[] }).components ?? []
    if (Array.isArray(value)) return value.map((v, i) => parseArg(components[i]!, v))
    if (value && typeof value === 'object')
      return Object.fromEntries(
        components.map((c) => [c.name, parseArg(c, (value as Record<string, unknown>)[c.name ?? ''])]),
      )
    return fail('a JSON array or object')
  }
  const s = typeof raw === 'string' ? raw : String(raw)
  if (type.startsWith('uint') || type.startsWith('int')) {
    try {
      return /ether|gwei|wei/i.test(s) ? parseAmount(s) : BigInt(s)
    } catch {
      return fail('an integer (decimal, 0x hex, or 1ether)')
    }
  }
  if (type === 'bool') {
    if (s === 'true' || s === '1') return true
    if (s === 'false' || s === '0') return false
    return fail('true or false')
  }
  if (type === 'address') return isAddress(s) ? s : fail('a 20-byte 0x address')
  if (type.startsWith('bytes')) return isHex(s) ? s : fail('0x-prefixed hex')
  return s
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return undefined
  }
}

export function parseArgs(inputs: readonly AbiParameter[], raw: string[], what: string): unknown[] {
  if (raw.length !== inputs.length)
    throw new MeshCliError(`${what} takes ${inputs.length} argument(s), got ${raw.length}.`, {
      code: 'BAD_ARGUMENT_COUNT',
      metaMessages: [
        `- Expected: (${inputs.map((p) => `${p.type}${p.name ? ` ${p.name}` : ''}`).join(', ')})`,
      ],
    })
  return inputs.map((p, i) => parseArg(p, raw[i]))
}

/** `--from`: a dev account index (0–9), a dev account address, or a private key. */
export function resolveAccount(from: string | undefined) {
  const dev = devAccounts(10)
  const f = (from ?? '0').trim()
  if (/^\d+$/.test(f)) {
    const a = dev[Number(f)]
    if (!a) throw new MeshCliError(`--from ${f}: dev account indexes are 0–9.`, { code: 'BAD_ACCOUNT' })
    return privateKeyToAccount(a.privateKey)
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(f)) return privateKeyToAccount(f as Hex)
  if (isAddress(f)) {
    const a = dev.find((d) => d.address.toLowerCase() === f.toLowerCase())
    if (a) return privateKeyToAccount(a.privateKey)
  }
  throw new MeshCliError(`--from "${f}" is not an account this CLI can sign for.`, {
    code: 'BAD_ACCOUNT',
    metaMessages: ['- Use a dev account index (0–9), a dev account address, or a 0x private key.'],
  })
}
