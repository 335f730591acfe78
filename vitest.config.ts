import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Tests run from TypeScript source: every workspace package exports a `source`
// condition pointing at src/, so `npm test` never waits on a build.
const conditions = ['source', 'node', 'import', 'module', 'default']

const packages = readdirSync(join(import.meta.dirname, 'packages')).filter((name) =>
  existsSync(join(import.meta.dirname, 'packages', name, 'package.json')),
)

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
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, root: `packages/${name}`, include: ['test/**/*.test.ts'] },
      })),
      { extends: true as const, test: { name: 'e2e', root: 'test', include: ['**/*.test.ts'] } },
      {
        extends: true as const,
        test: { name: 'examples', root: 'examples', include: ['test/**/*.test.ts'] },
      },
    ],
  },
})
