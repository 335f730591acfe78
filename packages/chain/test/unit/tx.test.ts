import { createRequire } from 'node:module'
import fc from 'fast-check'
import {
  bytesToHex,
  type Hex,
  hexToBytes,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
} from 'viem'
import { describe, expect, it } from 'vitest'
import { parseCanonicalEip1559 } from '../../src/eip1559.js'
import { TxRejectedError } from '../../src/errors.js'
import { recoverSigner, recoveryBackend } from '../../src/secp256k1.js'
import { decodeSignedTx, depositTx, intrinsicGas, txTypeOfRaw } from '../../src/tx.js'
import { CHAIN_ID, keys, signers, signTx } from './helpers.js'

async function rejection(p: Promise<unknown>): Promise<TxRejectedError> {
  try {
    await p
  } catch (err) {
    if (err instanceof TxRejectedError) return err
    throw err
  }
  throw new Error('expected a rejection')
}

describe('signed transaction decoding', () => {
  it('uses the native secp256k1 addon here', () => {
    expect(recoveryBackend()).toBe('native')
  })

  it('decodes EIP-1559, EIP-2930 and EIP-155 legacy transactions and recovers their senders', async () => {
    const acct = signers[1]!
    const raws: Hex[] = [
      await signTx(1, { nonce: 3, value: 5n }),
      await acct.signTransaction({
        type: 'eip2930',
        chainId: Number(CHAIN_ID),
        nonce: 4,
        gas: 30_000n,
        gasPrice: 3n,
        to: '0x000000000000000000000000000000000000dEaD',
        accessList: [
          { address: '0x000000000000000000000000000000000000dEaD', storageKeys: [`0x${'00'.repeat(32)}`] },
        ],
      }),
      await acct.signTransaction({
        type: 'legacy',
        chainId: Number(CHAIN_ID),
        nonce: 5,
        gas: 21_000n,
        gasPrice: 9n,
        to: null,
        data: '0x6000',
      }),
    ]
    const decoded = await Promise.all(raws.map((r) => decodeSignedTx(r, CHAIN_ID)))
    expect(decoded.map((d) => d.type)).toEqual(['eip1559', 'eip2930', 'legacy'])
    // What receipts read back from a stored raw transaction without decoding it.
    expect(raws.map(txTypeOfRaw)).toEqual(['eip1559', 'eip2930', 'legacy'])
    const deposit = depositTx({
      sourceHash: `0x${'11'.repeat(32)}`,
      from: keys[0]!.address,
      to: null,
      gas: 1n,
      chainId: CHAIN_ID,
    })
    expect(txTypeOfRaw(deposit.raw)).toBe('deposit')
    expect(() => txTypeOfRaw('0x03c0')).toThrow(/not supported: 0x03/)
    for (const [i, d] of decoded.entries()) {
      expect(d.from).toBe(keys[1]!.address.toLowerCase())
      expect(d.hash).toBe(keccak256(raws[i]!))
      expect(d.from).toBe(
        (await recoverTransactionAddress({ serializedTransaction: raws[i] as never })).toLowerCase(),
      )
    }
    expect(decoded[0]).toMatchObject({ nonce: 3n, value: 5n, feeCap: 2_000_000_000n, tipCap: 1_000_000_000n })
    expect(decoded[1]).toMatchObject({ gasPrice: 3n, feeCap: 3n, tipCap: 3n })
    expect(decoded[2]).toMatchObject({ to: null, data: '0x6000', nonce: 5n })
  })

  it('native and pure-JS recovery agree', async () => {
    const raw = await signTx(0)
    const p = parseTransaction(raw)
    const { r, s, yParity, ...rest } = p as Record<string, unknown>
    void r
    void s
    void yParity
    const hash = keccak256(serializeTransaction(rest as never))
    const native = await recoverSigner(hash, p.r!, p.s!, p.yParity!)
    expect(native).toBe(keys[0]!.address.toLowerCase())
  })

  it('refuses a wrong chain id, a pre-EIP-155 signature, high-s, garbage, unknown types and oversize', async () => {
    expect((await rejection(decodeSignedTx(await signTx(0, { chainId: 1 }), CHAIN_ID))).reason).toBe(
      'WRONG_CHAIN_ID',
    )
    const legacy = await signers[0]!.signTransaction({
      type: 'legacy',
      nonce: 0,
      gas: 21_000n,
      gasPrice: 1n,
      to: null,
    })
    expect((await rejection(decodeSignedTx(legacy, CHAIN_ID))).reason).toBe('WRONG_CHAIN_ID')
    // Flip s to n - s (and the parity): same signer mathematically, but malleable (EIP-2).
    const p = parseTransaction(await signTx(0))
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const highS = serializeTransaction(p as never, {
      r: p.r!,
      s: `0x${(n - BigInt(p.s!)).toString(16).padStart(64, '0')}`,
      yParity: 1 - p.yParity!,
    })
    expect((await rejection(decodeSignedTx(highS, CHAIN_ID))).reason).toBe('INVALID_SIGNATURE')
    expect((await rejection(decodeSignedTx('0x02deadbeef', CHAIN_ID))).reason).toBe('INVALID_ENCODING')
    expect((await rejection(decodeSignedTx('0xzz' as Hex, CHAIN_ID))).reason).toBe('INVALID_ENCODING')
    expect((await rejection(decodeSignedTx('0x03c0', CHAIN_ID))).reason).toBe('UNSUPPORTED_TYPE')
    const big = `0x02${'00'.repeat(128 * 1024)}` as Hex
    expect((await rejection(decodeSignedTx(big, CHAIN_ID))).reason).toBe('OVERSIZED')
  })

  it('a tampered signature recovers someone else (or nothing)', async () => {
    const p = parseTransaction(await signTx(0))
    const tampered = serializeTransaction(p as never, {
      r: p.r!,
      s: `0x${(BigInt(p.s!) - 1n).toString(16).padStart(64, '0')}`,
      yParity: p.yParity!,
    })
    const d = await decodeSignedTx(tampered, CHAIN_ID).catch((e: unknown) => e)
    if (d instanceof TxRejectedError) expect(d.reason).toBe('INVALID_SIGNATURE')
    else expect((d as { from: string }).from).not.toBe(keys[0]!.address.toLowerCase())
  })

  it('computes intrinsic gas (EIP-2028, EIP-3860, EIP-7623 floor)', () => {
    const to = '0x000000000000000000000000000000000000dEaD'
    expect(intrinsicGas({ to, data: '0x' })).toBe(21_000n)
    // 0x0001: standard 21,020 is below the floor 21,000 + (1 + 4) * 10.
    expect(intrinsicGas({ to, data: '0x0001' })).toBe(21_050n)
    expect(intrinsicGas({ to, data: '0x0001', accessList: [{ address: to, storageKeys: [] }] })).toBe(23_420n)
    expect(intrinsicGas({ to: null, data: '0x00' })).toBe(21_000n + 4n + 32_000n + 2n)
    // 1,000 non-zero bytes: 16,000 standard vs 40,000 floor.
    expect(intrinsicGas({ to, data: `0x${'01'.repeat(1000)}` })).toBe(21_000n + 40_000n)
  })
})

describe('worker-thread decoder pool', () => {
  it('recovers senders off the main thread and reports rejections with their reason', async () => {
    const { createTxDecoderPool } = await import('../../src/decoder.js')
    const pool = createTxDecoderPool({ chainId: CHAIN_ID, workers: 1 })
    try {
      const raws = await Promise.all(Array.from({ length: 20 }, (_, i) => signTx(i % 2, { nonce: i })))
      const decoded = await Promise.all(raws.map((r) => pool.decode(r)))
      expect(decoded.map((d) => d.from)).toEqual(raws.map((_, i) => keys[i % 2]!.address.toLowerCase()))
      expect(decoded.map((d) => d.nonce)).toEqual(raws.map((_, i) => BigInt(i)))
      const bad = await pool.decode(await signTx(0, { chainId: 1 })).catch((e: unknown) => e)
      expect(bad).toBeInstanceOf(TxRejectedError)
      expect((bad as TxRejectedError).reason).toBe('WRONG_CHAIN_ID')
    } finally {
      await pool.close()
    }
  })
})

describe('the direct EIP-1559 path', () => {
  const secp = createRequire(import.meta.url)('secp256k1') as {
    ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
  }
  const uint = (max: bigint) => fc.bigInt({ min: 0n, max })
  const txArb = fc.record({
    chainId: fc.oneof(fc.constant(Number(CHAIN_ID)), fc.integer({ min: 1, max: 2 ** 40 })),
    nonce: fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    gas: uint(2n ** 64n),
    maxFeePerGas: uint(2n ** 256n - 1n),
    tipShare: fc.integer({ min: 0, max: 100 }),
    to: fc.option(fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b))),
    value: uint(2n ** 256n - 1n),
    data: fc.uint8Array({ maxLength: 200 }).map((b) => bytesToHex(b)),
    key: fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .filter((k) => k.some((b) => b !== 0) && k[0]! < 0xf0),
  })
  type TxFields = typeof txArb extends fc.Arbitrary<infer T> ? T : never
  const signed = (t: TxFields): Hex => {
    const tx = {
      type: 'eip1559' as const,
      chainId: t.chainId,
      nonce: t.nonce,
      gas: t.gas,
      maxFeePerGas: t.maxFeePerGas,
      maxPriorityFeePerGas: (t.maxFeePerGas * BigInt(t.tipShare)) / 100n,
      ...(t.to ? { to: t.to } : {}),
      value: t.value,
      data: t.data,
    }
    const { signature, recid } = secp.ecdsaSign(hexToBytes(keccak256(serializeTransaction(tx))), t.key)
    return serializeTransaction(tx, {
      r: bytesToHex(signature.subarray(0, 32)),
      s: bytesToHex(signature.subarray(32)),
      yParity: recid,
    })
  }
  /** What viem makes of `raw`: the parsed transaction and the hash of its re-serialised unsigned form. */
  const viaViem = (raw: Hex) => {
    const parsed = parseTransaction(raw)
    const { r, s, v, yParity, ...unsigned } = parsed as Record<string, unknown>
    void [r, s, v, yParity]
    return { parsed, signingHash: keccak256(serializeTransaction(unsigned as never)) }
  }

  it('reads every transaction viem signs exactly as viem does (fields and signing hash)', () => {
    fc.assert(
      fc.property(txArb, (t) => {
        const raw = signed(t)
        const fast = parseCanonicalEip1559(raw)
        expect(fast).toBeDefined()
        expect(fast).toEqual(viaViem(raw))
      }),
      { numRuns: 300 },
    )
  })

  it('never accepts what viem refuses, and agrees with viem on whatever else it accepts', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('append' as const),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
      }),
    )
    fc.assert(
      fc.property(txArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (t, mutations) => {
        let bytes = hexToBytes(signed(t))
        for (const m of mutations) {
          if (m.kind === 'flip') {
            const at = 1 + (m.at % (bytes.length - 1))
            bytes = bytes.slice()
            bytes[at] = m.byte
          } else if (m.kind === 'cut') bytes = bytes.subarray(0, 1 + (m.at % (bytes.length - 1)))
          else bytes = Uint8Array.from([...bytes, ...m.bytes])
        }
        const raw = bytesToHex(bytes)
        let reference: ReturnType<typeof viaViem> | undefined
        try {
          reference = viaViem(raw)
        } catch {
          reference = undefined
        }
        const fast = parseCanonicalEip1559(raw)
        if (fast !== undefined) expect(fast).toEqual(reference)
      }),
      { numRuns: 1000 },
    )
  })

  it('decodeSignedTx takes it for a canonical transaction and gives the same result as before', async () => {
    const raw = await signTx(0, { nonce: 7, value: 9n })
    expect(parseCanonicalEip1559(raw)).toBeDefined()
    const tx = await decodeSignedTx(raw, CHAIN_ID)
    expect(tx).toMatchObject({ type: 'eip1559', nonce: 7n, value: 9n, from: keys[0]!.address.toLowerCase() })
  })
})
