import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Tests run from TypeScript source: every workspace package exports a `source`
// condition pointing at src/, so `npm test` never waits on a build.
const conditions = ['source', 'node', 'import', 'module', 'default']

const packages = readdirSync(join(import.meta.dirname, 'packages')).filter((name) =>
  existsSync(join(import.meta.dirname, 'packages', name, 'package.json')),
)

/** Test folders that start real processes, meshes or browsers: the second group, one file at a time. */
const END_TO_END = ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts']
const UNIT_GROUP = { sequence: { groupOrder: 0 }, maxWorkers: 2 }
const E2E_GROUP = { sequence: { groupOrder: 1 }, maxWorkers: 1, isolate: false }
/** Packages whose unit tests replace modules (`vi.mock`): those keep one fresh module graph per file. */
const MOCKING = new Set(['explorer'])

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    // Workers default to forks: native addons (better-sqlite3) and worker_threads behave as in production.
    pool: 'forks',
    // Under CI a JSON report is written too, so .ci/run can print the plain
    // `N passed, N failed` line CI's reader understands.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: join(import.meta.dirname, '.vitest-results.json') },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two groups, run one after the other (`sequence.groupOrder`). First the unit tests, two files at a
    // time in one reused worker process each (`isolate: false`: the heavy imports — viem, ethereumjs,
    // libp2p — load once per worker instead of once per file; a file that mocks modules keeps its own
    // process). Then the end-to-end tests (real node processes, meshes, browsers, soaks), one file at a
    // time (two of them side by side on 2 cores would starve each other's nodes), also in one reused
    // worker: each file used to pay ~5 s of process start and imports before its first test.
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `packages/${name}`,
          include: ['test/**/*.test.ts'],
          exclude: END_TO_END,
          ...UNIT_GROUP,
          isolate: !MOCKING.has(name),
        },
      })),
      ...packages
        .filter((name) =>
          END_TO_END.some((dir) =>
            existsSync(join(import.meta.dirname, 'packages', name, dir.split('/**')[0] as string)),
          ),
        )
        .map((name) => ({
          extends: true as const,
          test: { name: `${name}-e2e`, root: `packages/${name}`, include: END_TO_END, ...E2E_GROUP },
        })),
      {
        extends: true as const,
        test: { name: 'e2e', root: 'test', include: ['**/*.test.ts'], ...E2E_GROUP },
      },
      {
        extends: true as const,
        test: { name: 'examples', root: 'examples', include: ['test/**/*.test.ts'], ...E2E_GROUP },
      },
    ],
  },
})
