import { describe, expect, it } from 'vitest'
import { runChecks } from '../../src/cmds/doctor/handler.js'
import { createProgram, VERSION } from '../../src/index.js'

describe('mesh program', () => {
  it('lists its commands with examples in --help', () => {
    const help = createProgram().helpInformation()
    expect(help).toContain('doctor')
    expect(help).toContain('Usage: mesh')
  })

  it('has a semver version', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('doctor measures the node version', async () => {
    const checks = await runChecks()
    const node = checks.find((c) => c.name === 'node')!
    expect(node.detail).toContain(process.versions.node)
  })
})
