import { fileURLToPath } from 'node:url'
import { instantiate } from '@assemblyscript/loader'
import fc from 'fast-check'
import {
  type Address,
  bytesToHex,
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  type Hex,
  hexToBytes,
  numberToBytes,
} from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAssemblyScript } from '../../../src/index.js'

/**
 * The AssemblyScript SDK's ABI codec (`AbiWriter`/`AbiReader` in sdk/assembly/index.ts), called
 * directly from JavaScript through @assemblyscript/loader's string and array helpers, against viem's
 * `encodeAbiParameters`/`decodeAbiParameters`.
 */

const FIXTURE = fileURLToPath(new URL('../../../sdk/test/assembly/abiCodec.ts', import.meta.url))

type Codec = {
  UINT8ARRAY_ID: WebAssembly.Global
  BYTES_ARRAY_ID: WebAssembly.Global
  STRING_ARRAY_ID: WebAssembly.Global
  encodeTuple(value: number, who: number, data: number, text: number): void
  decodeTuple(input: number): void
  decodeString(input: number): void
  encodeStrings(items: number): void
  decodeStrings(input: number, count: number): void
  encodeWords(words: number): void
  /** Results of the last call (pointers into the module's memory). */
  encoded(): number
  parts(): number
  strings(): number
  decodedString(): number
  __newString(s: string): number
  __getString(ptr: number): string
  __newArray(id: number, values: ArrayLike<number>): number
  __getArray(ptr: number): number[]
  __getUint8Array(ptr: number): Uint8Array
  __pin(ptr: number): number
  __unpin(ptr: number): void
}

/** A revert from SDK code (e.g. "ABI: data too short"), surfaced as the revert data's hex. */
class SdkRevert {
  constructor(readonly data: Hex) {}
}

let codec: Codec

beforeAll(async () => {
  const { wasm } = await compileAssemblyScript(FIXTURE, { abi: [], exportRuntime: true })
  const module = new WebAssembly.Module(wasm)
  // The codec touches no host function but `revert` (its error path); every other import traps.
  const mesh: Record<string, (...args: number[]) => unknown> = {}
  let memory: WebAssembly.Memory | undefined
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    if (from !== 'mesh') continue
    mesh[name] =
      name === 'revert'
        ? (ptr: number, len: number) => {
            throw new SdkRevert(bytesToHex(new Uint8Array(memory!.buffer, ptr, len).slice()))
          }
        : () => {
            throw new SdkRevert(`0x${Buffer.from(`unexpected host call ${name}`).toString('hex')}`)
          }
  }
  const { exports } = await instantiate<Codec>(module, { mesh })
  memory = (exports as unknown as { memory: WebAssembly.Memory }).memory
  ;(exports as unknown as { _initialize?: () => void })._initialize?.()
  codec = exports as unknown as Codec
}, 120_000)

/** Copies bytes into the module as a pinned `Uint8Array`. */
function bytesIn(bytes: Uint8Array): number {
  return codec.__pin(codec.__newArray(codec.UINT8ARRAY_ID.value as number, bytes))
}

function stringIn(s: string): number {
  return codec.__pin(codec.__newString(s))
}

function release(...ptrs: number[]): void {
  for (const p of ptrs) codec.__unpin(p)
}

function encodeTuple(value: bigint, who: Address, data: Uint8Array, text: string): Hex {
  const args = [
    bytesIn(numberToBytes(value, { size: 32 })),
    bytesIn(hexToBytes(who)),
    bytesIn(data),
    stringIn(text),
  ] as const
  try {
    codec.encodeTuple(...args)
    return bytesToHex(codec.__getUint8Array(codec.encoded()))
  } finally {
    release(...args)
  }
}

function decodeTuple(encoded: Hex): [bigint, Address, Hex, string] {
  const input = bytesIn(hexToBytes(encoded))
  try {
    codec.decodeTuple(input)
    const parts = codec.__getArray(codec.parts()).map((p) => codec.__getUint8Array(p))
    return [
      BigInt(bytesToHex(parts[0]!)),
      bytesToHex(parts[1]!) as Address,
      bytesToHex(parts[2]!),
      new TextDecoder().decode(parts[3]!),
    ]
  } finally {
    release(input)
  }
}

const TUPLE = [{ type: 'uint256' }, { type: 'address' }, { type: 'bytes' }, { type: 'string' }] as const

const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n })
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b) as Address)
const bytes = fc.uint8Array({ maxLength: 100 })
const text = fc.string({ unit: 'grapheme', maxLength: 40 })

describe('SDK ABI codec through @assemblyscript/loader', () => {
  it('encodes (uint256, address, bytes, string) byte for byte as viem does', () => {
    const who = '0x00000000000000000000000000000000000000aa' as Address
    const encoded = encodeTuple(2n ** 255n + 7n, who, new Uint8Array([1, 2, 3]), 'héllo, wörld')
    expect(encoded).toBe(encodeAbiParameters(TUPLE, [2n ** 255n + 7n, who, '0x010203', 'héllo, wörld']))
  })

  it('encode matches viem, and decode inverts viem, for any values (property)', () => {
    fc.assert(
      fc.property(uint256, address, bytes, text, (value, who, data, s) => {
        const viem = encodeAbiParameters(TUPLE, [value, who, bytesToHex(data), s])
        expect(encodeTuple(value, who, data, s)).toBe(viem)
        expect(decodeTuple(viem)).toEqual([value, who, bytesToHex(data), s])
        expect(decodeAbiParameters(TUPLE, encodeTuple(value, who, data, s))).toEqual([
          value,
          getAddress(who),
          bytesToHex(data),
          s,
        ])
      }),
      { numRuns: 60 },
    )
  })

  it('passes arrays of strings in and out (__newArray / __getArray, __newString / __getString)', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), (items) => {
        const ptrs = items.map(stringIn)
        const array = codec.__pin(codec.__newArray(codec.STRING_ARRAY_ID.value as number, ptrs))
        codec.encodeStrings(array)
        const encoded = bytesToHex(codec.__getUint8Array(codec.encoded()))
        release(array, ...ptrs)
        const types = items.map(() => ({ type: 'string' }) as const)
        expect(encoded).toBe(encodeAbiParameters(types, items))
        const input = bytesIn(hexToBytes(encodeAbiParameters(types, items)))
        codec.decodeStrings(input, items.length)
        const decoded = codec.__getArray(codec.strings()).map((p) => codec.__getString(p))
        release(input)
        expect(decoded).toEqual(items)
      }),
      { numRuns: 40 },
    )
  })

  it('encodes an array of uint256 words as viem encodes the same tuple', () => {
    fc.assert(
      fc.property(fc.array(uint256, { maxLength: 8 }), (values) => {
        const words = values.map((v) => bytesIn(numberToBytes(v, { size: 32 })))
        const array = codec.__pin(codec.__newArray(codec.BYTES_ARRAY_ID.value as number, words))
        codec.encodeWords(array)
        const encoded = bytesToHex(codec.__getUint8Array(codec.encoded()))
        release(array, ...words)
        expect(encoded).toBe(
          encodeAbiParameters(
            values.map(() => ({ type: 'uint256' }) as const),
            values,
          ),
        )
      }),
      { numRuns: 40 },
    )
  })

  it('reverts with Error("ABI: data too short") on truncated input, as a contract would', () => {
    const encoded = encodeAbiParameters([{ type: 'string' }], ['truncated'])
    const input = bytesIn(hexToBytes(encoded).subarray(0, 40))
    try {
      codec.decodeString(input)
      expect.unreachable('decodeString accepted truncated data')
    } catch (error) {
      expect(error).toBeInstanceOf(SdkRevert)
      const data = (error as SdkRevert).data
      expect(data.slice(0, 10)).toBe('0x08c379a0')
      expect(decodeAbiParameters([{ type: 'string' }], `0x${data.slice(10)}`)).toEqual([
        'ABI: data too short',
      ])
    } finally {
      release(input)
    }
    // decodeString of valid data goes through __getString
    const ok = bytesIn(hexToBytes(encoded))
    codec.decodeString(ok)
    expect(codec.__getString(codec.decodedString())).toBe('truncated')
    release(ok)
  })
})
