import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseSPNConfig } from '@rollup-mesh/spn'
import { afterAll, describe, expect, it } from 'vitest'
import { planMesh, writeNodeFile } from '../../src/mesh/plan.js'

const dir = mkdtempSync(join(tmpdir(), 'mesh-plan-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('planMesh: run-time options land in each SPN config', () => {
  it('--workers picks the parallel executor, --verify-parallel its self-check; a later run without them keeps them', () => {
    const spns = (options: { workers?: number; verifyParallel?: boolean }) =>
      planMesh({ dataDir: dir, spns: 2, mainnet: false, ...options }).filter((n) => n.kind === 'spn')
    const first = spns({ workers: 2, verifyParallel: true })
    expect(first).toHaveLength(2)
    for (const node of first) {
      const config = parseSPNConfig(node.file.config)
      expect(config).toMatchObject({ executor: 'parallel', executorWorkers: 2, verifyParallel: true })
      writeNodeFile(node.configFile, node.file)
    }
    for (const node of spns({}))
      expect(node.file.config).toMatchObject({ executor: 'parallel', verifyParallel: true })
    for (const node of spns({ workers: 0, verifyParallel: false }))
      expect(parseSPNConfig(node.file.config)).toMatchObject({ executor: 'serial', verifyParallel: false })
  })
})
