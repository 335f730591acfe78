import { describe, expect, it } from 'vitest'
import { createOriginPolicy, normalizeOrigin } from '../../../src/rpc/originPolicy.js'

describe('normalizeOrigin', () => {
  it('normalises scheme, case and default ports', () => {
    expect(normalizeOrigin('HTTP://Explorer.Localhost:80')).toBe('http://explorer.localhost')
    expect(normalizeOrigin('http://localhost:5173/')).toBe('http://localhost:5173')
  })
  it('is undefined for non-origins', () => {
    for (const bad of ['localhost:5173', 'http://x/path', 'null', '', 'http://'])
      expect(normalizeOrigin(bad), bad).toBeUndefined()
  })
})

describe('createOriginPolicy', () => {
  it('allows no browser origin by default, and every request without Origin', () => {
    const p = createOriginPolicy()
    expect(p.allows(undefined)).toBe(true)
    expect(p.allows('http://evil.example')).toBe(false)
    expect(p.allows('http://127.0.0.1:8545')).toBe(false)
    expect(p.allows('null')).toBe(false)
    expect(p.corsHeaders('http://evil.example')).toBeUndefined()
    expect(p.corsHeaders(undefined)).toBeUndefined()
  })
  it('allows browser extensions (wallets) by default: no web page can send their origin', () => {
    const p = createOriginPolicy()
    expect(p.allows('chrome-extension://nkbihfbeogaeaoehlefnkodbefgpgknn')).toBe(true)
    expect(p.allows('moz-extension://0b8e7a4c-1234-4a5b-9c0d-ffeeddccbbaa')).toBe(true)
    expect(p.allows('chrome-extension://x/../evil')).toBe(false)
    expect(p.allows('http://chrome-extension.evil.example')).toBe(false)
  })
  it('allows listed origins and answers them with CORS headers naming the origin', () => {
    const p = createOriginPolicy(['http://localhost:5173'])
    expect(p.allows('http://localhost:5173')).toBe(true)
    expect(p.allows('http://localhost:5174')).toBe(false)
    expect(p.allows('https://localhost:5173')).toBe(false)
    expect(p.corsHeaders('http://localhost:5173')).toMatchObject({
      'access-control-allow-origin': 'http://localhost:5173',
      'access-control-allow-headers': 'content-type',
      vary: 'origin',
    })
  })
  it('* allows every origin', () => {
    const p = createOriginPolicy(['*'])
    expect(p.allows('http://evil.example')).toBe(true)
    expect(p.corsHeaders('http://evil.example')?.['access-control-allow-origin']).toBe('*')
  })
  it('refuses a bad entry naming it', () => {
    expect(() => createOriginPolicy(['http://a.example', 'a.example'])).toThrow(/rpc\.corsOrigins\[1\]/)
  })
})
