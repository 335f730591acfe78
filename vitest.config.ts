import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Tests run from TypeScript source: every workspace package exports a `source`
// condition pointing at src/, so `npm test` never waits on a build.
const conditions = ['source', 'node', 'import', 'module', 'default']

const packages = readdirSync(join(import.meta.dirname, 'packages')).filter((name) =>
  existsSync(join(import.meta.dirname, 'packages', name, 'package.json')),
)

/** Test folders that start real processes, meshes or browsers: the end-to-end groups. */
const END_TO_END = ['test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts']
/**
 * Light end-to-end files, by project root: in-process nodes or one small child (anvil, a browser, one CLI
 * call) — no mesh of node processes, no prover. They run two at a time (`E2E_LIGHT_GROUP`, project
 * `<name>-e2e-light`) before the heavy ones; see ARCHITECTURE.md "Two test groups" for the measurements.
 */
const LIGHT_E2E: Record<string, string[]> = {
  'packages/spn': [
    'test/e2e/chaindb-upgrade.test.ts',
    'test/e2e/delivery-mailbox.test.ts',
    'test/e2e/devnode-history.test.ts',
    'test/e2e/devnode-methods.test.ts',
    'test/e2e/devnode-time.test.ts',
    'test/e2e/devnode-trace.test.ts',
    'test/e2e/devnode-uniswap.test.ts',
    'test/e2e/mainnetSigners.test.ts',
    'test/e2e/parallel.test.ts',
    'test/e2e/replay.test.ts',
    'test/e2e/rpc-security-browser.test.ts',
    'test/e2e/rpc-security.test.ts',
    'test/e2e/settlement-exit-tree.test.ts',
    'test/e2e/userWorkload.test.ts',
  ],
  'packages/p2p': ['test/e2e/events.test.ts', 'test/e2e/exitBatches.test.ts', 'test/e2e/syncAbuse.test.ts'],
  'packages/explorer': ['test/browser/bundleVerify.test.ts'],
  test: ['e2e/architecture.test.ts', 'e2e/cli.test.ts'],
  examples: ['test/scripts.test.ts'],
}
const light = (root: string): string[] => LIGHT_E2E[root] ?? []
/** The heavy project of a test root (`packages/spn` → `spn-e2e`); its light files run as `<that>-light`. */
const heavyProjectOf = (root: string): string =>
  root === 'test' ? 'e2e' : root === 'examples' ? 'examples' : `${root.replace('packages/', '')}-e2e`
const UNIT_GROUP = { sequence: { groupOrder: 0 }, maxWorkers: 2 }
const E2E_LIGHT_GROUP = { sequence: { groupOrder: 1 }, maxWorkers: 2, isolate: false }
const E2E_GROUP = { sequence: { groupOrder: 2 }, maxWorkers: 1, isolate: false }
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
    // Three groups, run one after the other (`sequence.groupOrder`). First the unit tests, two files at a
    // time in one reused worker process each (`isolate: false`: the heavy imports — viem, ethereumjs,
    // libp2p — load once per worker instead of once per file; a file that mocks modules keeps its own
    // process). Then the light end-to-end files (`LIGHT_E2E`), two at a time as well. Then the heavy
    // end-to-end tests (meshes of node processes, provers, soaks), one file at a time (two of them side
    // by side on 2 cores would starve each other's nodes), also in one reused worker: each file used to
    // pay ~5 s of process start and imports before its first test.
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: join(import.meta.dirname, 'packages', name),
          include: ['test/**/*.test.ts'],
          exclude: END_TO_END,
          ...UNIT_GROUP,
          isolate: MOCKING.has(name),
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
          test: {
            name: `${name}-e2e`,
            root: join(import.meta.dirname, 'packages', name),
            include: END_TO_END,
            exclude: light(`packages/${name}`),
            ...E2E_GROUP,
          },
        })),
      {
        extends: true as const,
        test: {
          name: 'e2e',
          root: join(import.meta.dirname, 'test'),
          include: ['**/*.test.ts'],
          exclude: light('test'),
          ...E2E_GROUP,
        },
      },
      {
        extends: true as const,
        test: {
          name: 'examples',
          root: join(import.meta.dirname, 'examples'),
          include: ['test/**/*.test.ts'],
          exclude: light('examples'),
          ...E2E_GROUP,
        },
      },
      ...Object.entries(LIGHT_E2E).map(([root, files]) => ({
        extends: true as const,
        test: {
          name: `${heavyProjectOf(root)}-light`,
          root: join(import.meta.dirname, root),
          include: files,
          ...E2E_LIGHT_GROUP,
        },
      })),
    ],
  },
})
