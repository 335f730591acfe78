import { join } from 'node:path'
import { defineConfig } from 'vite'
import { browserShims } from './vite/browserShims.js'

// The static app: src/app/index.html and what it imports, built into dist/app (served by src/server.ts).
// JSX goes through Vite's own transform with Preact's automatic runtime; no CDN, no external assets.
export default defineConfig({
  root: join(import.meta.dirname, 'src', 'app'),
  base: './',
  logLevel: 'warn',
  publicDir: false,
  plugins: [browserShims()],
  resolve: {
    // workspace packages from their TypeScript sources (as vitest and tsc read them): no dist/ needed
    conditions: ['source', 'browser', 'module', 'import', 'default'],
    alias: {
      // the settlement circuit's verifying key, built in as `mesh proof verify` reads it from zk-bridge
      'virtual:settlement-vkey': join(
        import.meta.dirname,
        '..',
        'zk-bridge',
        'artifacts',
        'verification_key.json',
      ),
    },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: join(import.meta.dirname, 'dist', 'app'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
})
