import { createSilentLogger } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { RPCErrorCode } from '../../../src/errors.js'
import { dispatchRPC } from '../../../src/rpc/dispatch.js'
import { isLoopbackHost, isUnsafeMethod, unsafeMethodsPolicy } from '../../../src/rpc/unsafeMethods.js'

describe('isUnsafeMethod', () => {
  it('classifies signing and dev methods as unsafe', () => {
    for (const m of [
      'eth_sendTransaction',
      'eth_sign',
      'eth_signTransaction',
      'eth_signTypedData_v4',
      'personal_sign',
      'anvil_impersonateAccount',
      'anvil_setBalance',
      'hardhat_impersonateAccount',
      'evm_mine',
      'evm_increaseTime',
      'admin_addPeer',
      'miner_start',
    ])
      expect(isUnsafeMethod(m), m).toBe(true)
  })
  it('leaves reads and signed submissions alone', () => {
    for (const m of [
      'eth_sendRawTransaction',
      'eth_call',
      'eth_accounts',
      'eth_chainId',
      'mesh_nodeInfo',
      'net_version',
    ])
      expect(isUnsafeMethod(m), m).toBe(false)
  })
})

describe('unsafeMethodsPolicy', () => {
  it('exposes them on a dev network bound to loopback', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])
      expect(unsafeMethodsPolicy({ dev: true, host }).exposed, host).toBe(true)
    expect(isLoopbackHost('0.0.0.0')).toBe(false)
    expect(isLoopbackHost('192.168.1.5')).toBe(false)
  })
  it('refuses them on a non-loopback bind unless allowUnsafe', () => {
    const p = unsafeMethodsPolicy({ dev: true, host: '0.0.0.0' })
    expect(p.exposed).toBe(false)
    expect(p.remedy).toMatch(/--rpc-allow-unsafe/)
    expect(unsafeMethodsPolicy({ dev: true, host: '0.0.0.0', allowUnsafe: true }).exposed).toBe(true)
  })
  it('refuses them off dev networks, whatever the flag', () => {
    expect(unsafeMethodsPolicy({ dev: false, host: '127.0.0.1', allowUnsafe: true }).exposed).toBe(false)
  })
})

describe('dispatchRPC with a refusing policy', () => {
  const log = createSilentLogger()
  it('answers a clear error and never calls the method (registered or not)', async () => {
    let calls = 0
    const methods = {
      eth_sendTransaction: () => {
        calls++
        return '0x01'
      },
      eth_chainId: () => '0x1',
    }
    const unsafe = unsafeMethodsPolicy({ dev: true, host: '0.0.0.0' })
    const out = await dispatchRPC(
      [
        { jsonrpc: '2.0', id: 1, method: 'eth_sendTransaction', params: [{}] },
        { jsonrpc: '2.0', id: 2, method: 'anvil_setBalance', params: [] },
        { jsonrpc: '2.0', id: 3, method: 'eth_chainId', params: [] },
      ],
      methods,
      {},
      { maxBatchSize: 10, log, unsafe },
    )
    expect(calls).toBe(0)
    expect(out).toEqual([
      {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: RPCErrorCode.methodNotFound,
          message: expect.stringMatching(
            /eth_sendTransaction is not available.*bound to 0\.0\.0\.0.*--rpc-allow-unsafe/,
          ),
        },
      },
      {
        jsonrpc: '2.0',
        id: 2,
        error: {
          code: RPCErrorCode.methodNotFound,
          message: expect.stringMatching(/anvil_setBalance is not available/),
        },
      },
      { jsonrpc: '2.0', id: 3, result: '0x1' },
    ])
  })
  it('says why off a dev network', async () => {
    const out = await dispatchRPC(
      { jsonrpc: '2.0', id: 1, method: 'personal_sign', params: [] },
      {},
      {},
      { maxBatchSize: 10, log, unsafe: unsafeMethodsPolicy({ dev: false, host: '127.0.0.1' }) },
    )
    expect(out).toMatchObject({
      error: { message: expect.stringMatching(/not a dev network.*eth_sendRawTransaction/) },
    })
  })
})
