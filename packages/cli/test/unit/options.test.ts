import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { bridgeOptions } from '../../src/cmds/bridge/options.js'
import { upOptions } from '../../src/cmds/up/options.js'
import { InvalidOptionError } from '../../src/errors.js'
import { createProgram } from '../../src/index.js'
import { envName, longFlag } from '../../src/options/declare.js'
import { globalOptions } from '../../src/options/globals.js'
import { declarationsOf } from '../../src/options/register.js'
import { resolveOptions } from '../../src/options/resolve.js'

const up = { usage: 'up', section: 'up' }
const decls = { ...upOptions, config: globalOptions.config }

/** A directory holding `mesh.config.json` with `content`. */
const dirWithConfig = (content: unknown) => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-config-'))
  writeFileSync(
    join(dir, 'mesh.config.json'),
    typeof content === 'string' ? content : JSON.stringify(content),
  )
  return dir
}
const empty = () => mkdtempSync(join(tmpdir(), 'mesh-noconfig-'))

const leaves = (cmd: Command): Command[] =>
  cmd.commands.length === 0 ? [cmd] : cmd.commands.flatMap((c) => leaves(c))

describe('options: flag > MESH_* env > config file > default', () => {
  it('names env vars MESH_<UPPER_SNAKE> after the option', () => {
    expect(envName('dataDir')).toBe('MESH_DATA_DIR')
    expect(envName('blockTime')).toBe('MESH_BLOCK_TIME')
    expect(envName('spns')).toBe('MESH_SPNS')
  })

  it('uses the declared defaults when nothing is given', () => {
    const o = resolveOptions(up, decls, {}, {}, empty())
    expect(o).toMatchObject({ spns: 2, mainnet: true, fresh: false, detach: false, logLevel: 'info' })
    expect(o.dataDir).toBeUndefined()
  })

  it('takes each option from the highest source that gives it', () => {
    const cwd = dirWithConfig({ dataDir: '/file', spns: 5, up: { spns: 4, blockTime: 250, port: 7000 } })
    const env = { MESH_BLOCK_TIME: '300', MESH_PORT: '8000' }
    const o = resolveOptions(up, decls, { port: '9000' }, env, cwd)
    expect(o.port).toBe(9000) // flag over env and file
    expect(o.blockTime).toBe(300) // env over file
    expect(o.spns).toBe(4) // the command's section over the top level
    expect(o.dataDir).toBe('/file') // top level over the default
    expect(o.fresh).toBe(false) // the default
  })

  it('an empty env var counts as not given', () => {
    const o = resolveOptions(up, decls, {}, { MESH_SPNS: '' }, dirWithConfig({ spns: 6 }))
    expect(o.spns).toBe(6)
  })

  it('env booleans: "0" turns off a negatable option, and the flag still wins over env', () => {
    const bridge = { usage: 'bridge', section: 'bridge' }
    const all = { ...bridgeOptions, config: globalOptions.config }
    expect(resolveOptions(bridge, all, { to: 'spn2' }, { MESH_WAIT: '0' }, empty()).wait).toBe(false)
    expect(resolveOptions(bridge, all, { to: 'spn2' }, {}, empty()).wait).toBe(true)
    expect(resolveOptions(bridge, all, { to: 'spn2', wait: false }, { MESH_WAIT: '1' }, empty()).wait).toBe(
      false,
    )
  })

  it('--config (or MESH_CONFIG) names the config file; the flag wins', () => {
    const a = join(dirWithConfig({ spns: 7 }), 'mesh.config.json')
    const b = join(dirWithConfig({ spns: 8 }), 'mesh.config.json')
    expect(resolveOptions(up, decls, {}, { MESH_CONFIG: a }, empty()).spns).toBe(7)
    expect(resolveOptions(up, decls, { config: b }, { MESH_CONFIG: a }, empty()).spns).toBe(8)
    expect(() => resolveOptions(up, decls, { config: '/nope/mesh.json' }, {}, empty())).toThrowError(
      expect.objectContaining({ code: 'CONFIG_FILE_MISSING' }),
    )
    expect(() => resolveOptions(up, decls, {}, {}, dirWithConfig('{ nope'))).toThrowError(
      expect.objectContaining({ code: 'CONFIG_FILE_INVALID' }),
    )
  })
})

describe('options: a bad value names the flag, what was expected and what was given', () => {
  const fail = (f: () => unknown): InvalidOptionError => {
    try {
      f()
    } catch (err) {
      return err as InvalidOptionError
    }
    throw new Error('expected an InvalidOptionError')
  }

  it('from the command line', () => {
    const err = fail(() => resolveOptions(up, decls, { spns: '99' }, {}, empty()))
    expect(err).toBeInstanceOf(InvalidOptionError)
    expect(err.code).toBe('INVALID_OPTION')
    expect(err.issues).toEqual([
      { name: '--spns', expected: 'expected an integer from 1 to 16', given: '"99" (command line)' },
    ])
    expect(err.message).toContain('mesh up --help')
  })

  it('from env and from the config file, saying where', () => {
    const env = fail(() => resolveOptions(up, decls, {}, { MESH_LOG_LEVEL: 'loud' }, empty()))
    expect(env.issues[0]).toMatchObject({ name: '--log-level', given: '"loud" (env MESH_LOG_LEVEL)' })
    expect(env.issues[0]?.expected).toContain('expected one of trace')
    const file = fail(() => resolveOptions(up, decls, {}, {}, dirWithConfig({ up: { fresh: 'yes' } })))
    expect(file.issues[0]).toMatchObject({ name: '--fresh', expected: 'expected true, false, 1 or 0' })
    expect(file.issues[0]?.given).toMatch(/^"yes" \("up\.fresh" in .*mesh\.config\.json\)$/)
  })

  it('a required option that nothing gave', () => {
    const bridge = { usage: 'bridge', section: 'bridge' }
    const err = fail(() => resolveOptions(bridge, bridgeOptions, {}, {}, empty()))
    expect(err.issues).toEqual([
      {
        name: '--to',
        expected: 'expected a string',
        given: 'nothing (give --to, MESH_TO or "to" in the config file)',
      },
    ])
  })

  it('through the program, as the command runs', async () => {
    const program = createProgram()
    for (const c of leaves(program)) c.exitOverride().configureOutput({ writeErr: () => {} })
    await expect(program.parseAsync(['node', 'mesh', 'up', '--block-time', 'fast'])).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      issues: [
        {
          name: '--block-time',
          expected: 'expected an integer from 10 to 60000',
          given: '"fast" (command line)',
        },
      ],
    })
  })
})

describe('options: --help shows every declared option', () => {
  it('each leaf command lists each flag with its env var, and each config-file key', () => {
    const commands = leaves(createProgram())
    expect(commands.length).toBeGreaterThanOrEqual(14)
    for (const cmd of commands) {
      const declared = declarationsOf(cmd)
      expect(declared, `mesh ${cmd.name()} is declared`).toBeDefined()
      let help = ''
      cmd.configureOutput({ writeOut: (s) => (help += s) })
      cmd.outputHelp()
      help = help.replace(/\s+/g, ' ') // commander wraps long descriptions
      for (const [key, d] of Object.entries(declared ?? {})) {
        if (d.kind === 'arg') {
          expect(help, `${cmd.name()} ${d.syntax}`).toContain(d.syntax)
          continue
        }
        expect(help, `${cmd.name()} ${d.flag}`).toContain(d.flag)
        expect(help, `${cmd.name()} ${envName(key)}`).toContain(`env: ${envName(key)}`)
        if (d.inConfigFile) expect(help).toMatch(new RegExp(`Config file keys [^.]*\\b${key}\\b`))
        expect(longFlag(d.flag)).toMatch(/^--[a-z-]+$/)
      }
    }
  })
})
