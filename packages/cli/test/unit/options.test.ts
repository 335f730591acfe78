import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BaseError } from '@rollup-mesh/core'
import { describe, expect, it } from 'vitest'
import { upSchema } from '../../src/cmds/up/options.js'
import { camelToEnv, resolveOptions } from '../../src/options.js'

const configFile = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'mesh-config-')), 'mesh.config.json')
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

describe('options: command line > MESH_* env > mesh.config.json > defaults', () => {
  it('names env vars after the option', () => {
    expect(camelToEnv('dataDir')).toBe('MESH_DATA_DIR')
    expect(camelToEnv('blockTime')).toBe('MESH_BLOCK_TIME')
  })

  it('uses the defaults when nothing is given', () => {
    const o = resolveOptions('up', upSchema, {}, { MESH_CONFIG: configFile({}) })
    expect(o).toMatchObject({ spns: 2, fresh: false, detach: false, json: false })
    expect(o.dataDir).toBeUndefined()
  })

  it('takes the config file section, then the top level, under env and argv', () => {
    const env = {
      MESH_CONFIG: configFile({ dataDir: '/from/file', up: { spns: 4, blockTime: 250 } }),
      MESH_BLOCK_TIME: '300',
      MESH_DETACH: '1',
    }
    expect(resolveOptions('up', upSchema, {}, env)).toMatchObject({
      spns: 4,
      blockTime: 300,
      dataDir: '/from/file',
      detach: true,
    })
    expect(resolveOptions('up', upSchema, { spns: '3', dataDir: '/cli' }, env)).toMatchObject({
      spns: 3,
      dataDir: '/cli',
    })
  })

  it('names the bad field in the message', () => {
    const env = { MESH_CONFIG: configFile({ up: { spns: 'many' } }) }
    expect(() => resolveOptions('up', upSchema, {}, env)).toThrowError(/spns/)
    try {
      resolveOptions('up', upSchema, { spns: '99' }, { MESH_CONFIG: configFile({}) })
    } catch (err) {
      expect(err).toBeInstanceOf(BaseError)
      expect((err as Error).message).toContain('spns')
    }
    expect(() => resolveOptions('up', upSchema, {}, { MESH_CONFIG: configFile('{ nope') })).toThrowError(
      /not valid JSON/,
    )
  })
})
