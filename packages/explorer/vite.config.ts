import { join } from 'node:path'
import { defineConfig } from 'vite'

// The static app: src/app/index.html and what it imports, built into dist/app (served by src/server.ts).
// JSX goes through Vite's own transform with Preact's automatic runtime; no CDN, no external assets.
export default defineConfig({
  root: join(import.meta.dirname, 'src', 'app'),
  base: './',
  logLevel: 'warn',
  publicDir: false,
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
