import { describe, expect, it } from 'vitest'
import {
  addressSchema,
  bigintSchema,
  fixedHexSchema,
  InvalidConfigError,
  parseConfig,
  portSchema,
  z,
} from '../../src/index.js'

const nodeConfig = z.object({
  chainId: z.number().int().positive(),
  rpc: z.object({ host: z.string().default('127.0.0.1'), port: portSchema }),
  operator: addressSchema,
  stateRoot: fixedHexSchema(32).optional(),
  bond: bigintSchema,
})

describe('parseConfig', () => {
  it('parses and applies defaults', () => {
    const cfg = parseConfig(nodeConfig, {
      chainId: 901,
      rpc: { port: 0 },
      operator: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      bond: '1000000000000000000',
    })
    expect(cfg.rpc.host).toBe('127.0.0.1')
    expect(cfg.bond).toBe(10n ** 18n)
  })

  it('names every bad field', () => {
    let caught: unknown
    try {
      parseConfig(
        nodeConfig,
        { chainId: -1, rpc: { port: 70000 }, operator: '0x1234', stateRoot: '0xab', bond: 'lots' },
        'SPN config',
      )
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(InvalidConfigError)
    const err = caught as InvalidConfigError
    expect(err.shortMessage).toBe('Invalid SPN config.')
    const paths = err.issues.map((i) => i.path).sort()
    expect(paths).toEqual(['bond', 'chainId', 'operator', 'rpc.port', 'stateRoot'])
    expect(err.message).toContain('operator: expected a 20-byte address')
    expect(err.message).toContain('stateRoot: expected 0x-prefixed hex of 32 bytes')
  })
})
