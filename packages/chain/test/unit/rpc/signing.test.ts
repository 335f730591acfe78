import { devAccounts } from '@rollup-mesh/core'
import { type Hex, parseTransaction, recoverTransactionAddress, verifyMessage, verifyTypedData } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Chain } from '../../../src/chain.js'
import type { RPCMethods } from '../../../src/rpc/server.js'
import { createSigningMethods } from '../../../src/rpc/signing.js'
import { CHAIN_ID } from '../helpers.js'
import { alice, bob, invoke, openDevChain } from './devChain.js'

let chain: Chain
let methods: RPCMethods

beforeAll(async () => {
  chain = await openDevChain()
  methods = createSigningMethods(chain, { devKeys: devAccounts(2).map((a) => a.privateKey) })
})
afterAll(() => chain.store.close())

const HELLO = '0x68656c6c6f' // "hello"
/** What anvil 1.x answers to eth_sign(dev account 0, "hello") (and personal_sign("hello", account 0)). */
const ANVIL_HELLO: Hex =
  '0xf16ea9a3478698f695fd1401bfe27e9e4a7e8e3da94aa72b021125e31fa899cc573c48ea3fe1d4ab61a9db10c19032026e3ed2dbccba5a178235ac27f94504311c'

const mail = {
  types: {
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallet', type: 'address' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person[]' },
      { name: 'contents', type: 'string' },
      { name: 'amount', type: 'uint256' },
    ],
  },
  primaryType: 'Mail',
  domain: {
    name: 'Ether Mail',
    version: '1',
    chainId: 1,
    verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
  },
  message: {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: [{ name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }],
    contents: 'Hello, Bob!',
    amount: '1000000000000000000', // ethers sends uints as decimal strings
  },
} as const

describe('eth_sign / personal_sign', () => {
  it('sign EIP-191 over the bytes with the dev key, as anvil does; the two argument orders agree', async () => {
    const a = (await invoke(methods, 'eth_sign', [alice, HELLO])) as Hex
    expect(a).toBe(ANVIL_HELLO)
    expect(await invoke(methods, 'personal_sign', [HELLO, alice])).toBe(a)
    expect(await verifyMessage({ address: alice, message: 'hello', signature: a })).toBe(true)
    const b = (await invoke(methods, 'personal_sign', [HELLO, bob.toUpperCase().replace('0X', '0x')])) as Hex
    expect(await verifyMessage({ address: bob, message: 'hello', signature: b })).toBe(true)
  })

  it('refuses an address without a dev key, and bytes that are not hex, with -32602', async () => {
    await expect(invoke(methods, 'eth_sign', [`0x${'01'.repeat(20)}`, HELLO])).rejects.toMatchObject({
      rpcCode: -32602,
      shortMessage: expect.stringContaining('dev accounts only'),
    })
    await expect(invoke(methods, 'personal_sign', ['hello', alice])).rejects.toMatchObject({
      rpcCode: -32602,
    })
  })
})

describe('eth_signTypedData_v4', () => {
  it('signs typed data given as an object or as JSON, with integers as strings; viem verifies it', async () => {
    const sig = (await invoke(methods, 'eth_signTypedData_v4', [alice, mail])) as Hex
    expect(await invoke(methods, 'eth_signTypedData_v4', [alice, JSON.stringify(mail)])).toBe(sig)
    const { EIP712Domain: _, ...types } = mail.types
    expect(
      await verifyTypedData({
        address: alice,
        types,
        primaryType: 'Mail',
        domain: mail.domain,
        message: { ...mail.message, amount: 10n ** 18n },
        signature: sig,
      }),
    ).toBe(true)
    // Without EIP712Domain in `types` the domain's fields decide it (viem's and eth-sig-util's rule): same signature.
    expect(await invoke(methods, 'eth_signTypedData_v4', [alice, { ...mail, types }])).toBe(sig)
  })

  it('names the field that is wrong', async () => {
    const bad = { ...mail, message: { ...mail.message, amount: 'lots' } }
    await expect(invoke(methods, 'eth_signTypedData_v4', [alice, bad])).rejects.toMatchObject({
      rpcCode: -32602,
      shortMessage: expect.stringContaining('message.amount'),
    })
    await expect(
      invoke(methods, 'eth_signTypedData_v4', [alice, { ...mail, primaryType: 'Nope' }]),
    ).rejects.toMatchObject({
      shortMessage: expect.stringContaining('primaryType'),
    })
    const badAddress = { ...mail, message: { ...mail.message, from: { name: 'Cow', wallet: '0x1234' } } }
    await expect(invoke(methods, 'eth_signTypedData_v4', [alice, badAddress])).rejects.toMatchObject({
      rpcCode: -32602,
      shortMessage: expect.stringContaining('0x1234'),
    })
    await expect(invoke(methods, 'eth_signTypedData_v4', [alice, '{not json'])).rejects.toMatchObject({
      rpcCode: -32602,
    })
  })
})

describe('eth_signTransaction', () => {
  it('answers the raw signed transaction, filled like eth_sendTransaction (pending nonce, estimate, fees), not sent', async () => {
    const raw = (await invoke(methods, 'eth_signTransaction', [
      { from: alice, to: bob, value: '0x1' },
    ])) as Hex
    const tx = parseTransaction(raw)
    expect(tx).toMatchObject({
      type: 'eip1559',
      chainId: Number(CHAIN_ID),
      nonce: 0,
      gas: 21_000n,
      value: 1n,
      to: bob,
    })
    expect(tx.maxPriorityFeePerGas).toBe(1_000_000_000n)
    expect(tx.maxFeePerGas).toBe(chain.nextBaseFee() * 2n + 1_000_000_000n)
    expect((await recoverTransactionAddress({ serializedTransaction: raw as never })).toLowerCase()).toBe(
      alice,
    )
    expect(chain.mempool.size).toBe(0)
    const legacy = parseTransaction(
      (await invoke(methods, 'eth_signTransaction', [
        { from: bob, to: alice, gas: '0x5208', gasPrice: '0x3b9aca00', nonce: '0x7' },
      ])) as Hex,
    )
    expect(legacy).toMatchObject({ type: 'legacy', nonce: 7, gas: 21_000n, gasPrice: 1_000_000_000n })
  })

  it('requires a from that is a dev account', async () => {
    await expect(invoke(methods, 'eth_signTransaction', [{ to: bob }])).rejects.toMatchObject({
      rpcCode: -32602,
      shortMessage: expect.stringContaining('"from"'),
    })
    await expect(
      invoke(methods, 'eth_signTransaction', [{ from: `0x${'01'.repeat(20)}`, to: bob }]),
    ).rejects.toMatchObject({ rpcCode: -32602 })
  })
})
