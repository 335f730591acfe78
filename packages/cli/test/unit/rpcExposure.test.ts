import { describe, expect, it } from 'vitest'
import { isLoopbackAddress, rpcExposureLines, unsafeMethodsExposed } from '../../src/mesh/rpcExposure.js'

describe('rpcExposureLines (the banner’s "RPC access")', () => {
  it('default: this machine only, unsafe methods answered locally, no browser origin', () => {
    const text = rpcExposureLines({}).join('\n')
    expect(text).toMatch(/bound to 127\.0\.0\.1: reachable from this machine only/)
    expect(text).toMatch(/Unsafe methods .*answered, to programs on this machine/)
    expect(text).toMatch(/Browser origins allowed: none/)
  })
  it('a non-loopback bind says who can reach it, and whether unsafe methods are exposed', () => {
    const refused = rpcExposureLines({ host: '0.0.0.0' }).join('\n')
    expect(refused).toMatch(/! RPC bound to 0\.0\.0\.0: every host that can reach this machine/)
    expect(refused).toMatch(/refused on this non-loopback bind \(--rpc-allow-unsafe/)
    const exposed = rpcExposureLines({ host: '10.0.0.5', allowUnsafe: true, corsOrigins: ['*'] }).join('\n')
    expect(exposed).toMatch(/! Unsafe methods .*EXPOSED to every host that reaches 10\.0\.0\.5/)
    expect(exposed).toMatch(/ANY web page/)
  })
  it('follows chain’s rule for when unsafe methods answer', () => {
    expect(unsafeMethodsExposed({ host: '127.0.0.2' })).toBe(true)
    expect(unsafeMethodsExposed({ host: '0.0.0.0' })).toBe(false)
    expect(unsafeMethodsExposed({ host: '0.0.0.0', allowUnsafe: true })).toBe(true)
    expect(unsafeMethodsExposed({ host: '127.0.0.1', dev: false })).toBe(false)
    expect(isLoopbackAddress('[::1]')).toBe(true)
    expect(isLoopbackAddress('192.168.1.2')).toBe(false)
  })
})
