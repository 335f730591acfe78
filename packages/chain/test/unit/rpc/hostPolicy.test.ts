import { describe, expect, it } from 'vitest'
import { createHostPolicy, hostNameOf } from '../../../src/rpc/hostPolicy.js'

describe('hostNameOf', () => {
  it('drops the port, lower-cases, brackets IPv6 and drops a trailing dot', () => {
    expect(hostNameOf('LocalHost:8545')).toBe('localhost')
    expect(hostNameOf('[::1]:8545')).toBe('[::1]')
    expect(hostNameOf('::1')).toBe('[::1]')
    expect(hostNameOf('127.0.0.1')).toBe('127.0.0.1')
    expect(hostNameOf('localhost.:80')).toBe('localhost')
  })
  it('is undefined for what is not a host', () => {
    for (const bad of ['', ':8545', 'a b', 'host:port', '[::1', '[::1]x', 'evil.example:1:2'])
      expect(hostNameOf(bad), bad).toBeUndefined()
  })
})

describe('createHostPolicy (DNS-rebinding guard)', () => {
  it('allows the loopback names and the bind address with any port, and nothing else by default', () => {
    const p = createHostPolicy({ bindHost: '127.0.0.2' })
    for (const ok of ['localhost', 'localhost:8545', '127.0.0.1:1', '[::1]:8545', '127.0.0.2:9000'])
      expect(p.allows(ok), ok).toBe(true)
    for (const bad of [
      'evil.example',
      'evil.example:8545',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      '10.0.0.1',
    ])
      expect(p.allows(bad), bad).toBe(false)
  })
  it('allows a request without Host (no browser omits it)', () => {
    expect(createHostPolicy({ bindHost: '127.0.0.1' }).allows(undefined)).toBe(true)
  })
  it('adds configured host names; * turns the check off', () => {
    const p = createHostPolicy({ bindHost: '127.0.0.1', allowedHosts: ['Node1.Internal', '10.0.0.5', '::2'] })
    expect(p.allows('node1.internal:8545')).toBe(true)
    expect(p.allows('10.0.0.5')).toBe(true)
    expect(p.allows('[::2]:1')).toBe(true)
    expect(p.allows('node2.internal')).toBe(false)
    const any = createHostPolicy({ bindHost: '127.0.0.1', allowedHosts: ['*'] })
    expect(any.allows('evil.example')).toBe(true)
    expect(any.hosts).toEqual(['*'])
  })
  it('a wildcard bind allows this machine’s interface addresses', () => {
    const p = createHostPolicy({ bindHost: '0.0.0.0' })
    expect(p.allows('127.0.0.1:8545')).toBe(true)
    expect(p.allows('0.0.0.0:8545')).toBe(true)
    expect(p.allows('evil.example')).toBe(false)
  })
  it('refuses a bad entry naming it', () => {
    expect(() =>
      createHostPolicy({ bindHost: '127.0.0.1', allowedHosts: ['localhost', 'http://x/'] }),
    ).toThrow(/rpc\.allowedHosts\[1\][\s\S]*host name or IP address/)
  })
})
