import { RLP } from '@ethereumjs/rlp'
import { bytesToHex, hexToBytes, isAddressEqual } from '@rollup-mesh/core'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import {
  decodeBlock,
  decodeHeader,
  decodeSettlement,
  decodeTx,
  encodeBlock,
  encodeHeader,
  encodeSettlement,
  InvalidMessageError,
  MESSAGE_LIMITS,
  MessageTooLargeError,
  recoverHeaderSigner,
  recoverSettlementSigner,
} from '../../src/index.js'
import { accounts, makeBlock, makeHeader, makeSettlement, makeTx, mallory, producer } from '../helpers.js'

type Fields = Array<Uint8Array | Fields>
const fieldsOf = (data: Uint8Array) => RLP.decode(data) as Fields
const enc = (f: unknown) => RLP.encode(f as Parameters<typeof RLP.encode>[0])

describe('header codec', () => {
  it('round-trips and recovers the producer', async () => {
    const header = await makeHeader('spn1', 7n)
    const decoded = decodeHeader(encodeHeader(header))
    expect(decoded).toEqual(header)
    expect(isAddressEqual(await recoverHeaderSigner('spn1', decoded), producer.address)).toBe(true)
  })

  it('binds the signature to the network', async () => {
    const header = await makeHeader('spn1', 7n)
    expect(isAddressEqual(await recoverHeaderSigner('spn2', header), producer.address)).toBe(false)
  })

  it('refuses extra and missing fields, wrong lengths, non-canonical integers and trailing bytes', async () => {
    const good = encodeHeader(await makeHeader('spn1', 7n))
    const f = fieldsOf(good)
    const bad: Array<[string, Uint8Array]> = [
      ['extra field', enc([...f, new Uint8Array()])],
      ['missing field', enc(f.slice(0, 10))],
      ['short hash', enc([f[0], new Uint8Array(31), ...f.slice(2)])],
      ['leading zero', enc([Uint8Array.of(0, 7), ...f.slice(1)])],
      ['uint64 overflow', enc([new Uint8Array(9).fill(1), ...f.slice(1)])],
      ['list for bytes', enc([[f[0]], ...f.slice(1)])],
      ['not a list', enc(new Uint8Array(10))],
      ['trailing bytes', Uint8Array.of(...good, 0x00)],
    ]
    for (const [name, data] of bad) expect(() => decodeHeader(data), name).toThrow(InvalidMessageError)
    // 0x81 0x05 is a non-canonical encoding of the single byte 0x05: refused by the RLP layer itself
    expect(() => decodeHeader(Uint8Array.of(0xc2, 0x81, 0x05))).toThrow(/canonical RLP/)
  })

  it('refuses gasUsed above gasLimit, a high-s signature and v outside 27/28', async () => {
    const f = fieldsOf(encodeHeader(await makeHeader('spn1', 7n)))
    const overGas = [...f]
    overGas[8] = RLP.encode(40_000_000n).subarray(1)
    expect(() => decodeHeader(enc(overGas))).toThrow(/gasUsed/)
    const sig = f[10] as Uint8Array
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const s = BigInt(bytesToHex(sig.subarray(32, 64)))
    const highS = Uint8Array.from(sig)
    highS.set(hexToBytes(`0x${(n - s).toString(16).padStart(64, '0')}`), 32)
    highS[64] = sig[64] === 27 ? 28 : 27
    expect(() => decodeHeader(enc([...f.slice(0, 10), highS]))).toThrow(/signature/)
    const badV = Uint8Array.from(sig)
    badV[64] = 29
    expect(() => decodeHeader(enc([...f.slice(0, 10), badV]))).toThrow(/signature/)
  })

  it('refuses oversize input before decoding', () => {
    expect(() => decodeHeader(new Uint8Array(MESSAGE_LIMITS.header + 1))).toThrow(MessageTooLargeError)
  })
})

describe('settlement codec', () => {
  it('round-trips and recovers the operator', async () => {
    const s = await makeSettlement('spn1')
    const decoded = decodeSettlement(encodeSettlement(s))
    expect(decoded).toEqual(s)
    expect(isAddressEqual(await recoverSettlementSigner('spn1', decoded), producer.address)).toBe(true)
    const forged = await makeSettlement('spn1', mallory.privateKey)
    expect(isAddressEqual(await recoverSettlementSigner('spn1', forged), producer.address)).toBe(false)
  })

  it('refuses toBlock < fromBlock and oversize proofs', async () => {
    const f = fieldsOf(encodeSettlement(await makeSettlement('spn1')))
    expect(() => decodeSettlement(enc([f[0], f[2], f[1], ...f.slice(3)]))).toThrow(/toBlock/)
    const bigProof = [...f]
    bigProof[8] = new Uint8Array(MESSAGE_LIMITS.proof + 1)
    expect(() => decodeSettlement(enc(bigProof))).toThrow(/proof/)
  })
})

describe('transaction codec', () => {
  it('decodes a signed EIP-1559 transaction and recovers its sender', async () => {
    const raw = await makeTx(3)
    const tx = await decodeTx(hexToBytes(raw))
    expect(tx.type).toBe('eip1559')
    expect(tx.raw).toBe(raw)
    expect(tx.from).toBe(accounts[2]?.address)
  })

  it("uses the node's sender recovery when given one (same inputs as viem's, its answer kept)", async () => {
    const raw = await makeTx(3)
    const seen: unknown[][] = []
    const viaNode = await decodeTx(hexToBytes(raw), async (hash, r, s, yParity) => {
      seen.push([hash, r, s, yParity])
      return accounts[2]!.address.toLowerCase() as `0x${string}`
    })
    expect(seen).toHaveLength(1)
    expect(viaNode.from).toBe(accounts[2]?.address.toLowerCase())
    // a recovery that fails is a bad signature, as with viem's
    await expect(
      decodeTx(hexToBytes(raw), async () => {
        throw new InvalidMessageError({ what: 'test', field: 'signature', expected: 'x' })
      }),
    ).rejects.toThrow(/signature/)
  })

  it('recovers the sender of legacy (EIP-155 and pre-155) and EIP-2930 transactions', async () => {
    const account = privateKeyToAccount(mallory.privateKey)
    const base = { to: producer.address, value: 5n, gas: 21_000n, nonce: 1 }
    const signed = [
      await account.signTransaction({ ...base, type: 'legacy', gasPrice: 3n, chainId: 31337 }),
      await account.signTransaction({ ...base, type: 'legacy', gasPrice: 3n }),
      await account.signTransaction({ ...base, type: 'eip2930', gasPrice: 3n, chainId: 1, accessList: [] }),
    ]
    const types = []
    for (const raw of signed) {
      const tx = await decodeTx(hexToBytes(raw))
      expect(tx.from).toBe(mallory.address)
      types.push(tx.type)
    }
    expect(types).toEqual(['legacy', 'legacy', 'eip2930'])
  })

  it('refuses truncated, unsigned and padded transactions', async () => {
    const raw = hexToBytes(await makeTx(3))
    await expect(decodeTx(raw.subarray(0, raw.length - 3))).rejects.toThrow(InvalidMessageError)
    await expect(decodeTx(Uint8Array.of(...raw, 0))).rejects.toThrow(InvalidMessageError)
    await expect(decodeTx(Uint8Array.of(0x05, 0xc0))).rejects.toThrow(InvalidMessageError)
    const unsigned = fieldsOf(raw.subarray(1)).slice(0, 9)
    await expect(decodeTx(Uint8Array.of(0x02, ...enc(unsigned)))).rejects.toThrow(InvalidMessageError)
  })
})

describe('block codec', () => {
  it('round-trips', async () => {
    const block = await makeBlock('spn1', 4n)
    expect(decodeBlock(encodeBlock(block))).toEqual(block)
  })
})
