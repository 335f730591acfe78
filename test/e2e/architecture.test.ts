import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Keeps ARCHITECTURE.md honest: its mermaid graph must equal the workspace
// dependencies, and every `@rollup-mesh/*` import in src must be declared.
const root = fileURLToPath(new URL('../..', import.meta.url))
const packagesDir = join(root, 'packages')
const names = readdirSync(packagesDir).filter((n) => statSync(join(packagesDir, n)).isDirectory())

function declaredEdges(): Set<string> {
  const edges = new Set<string>()
  for (const name of names) {
    const pkg = JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8'))
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (dep.startsWith('@rollup-mesh/')) edges.add(`${name} --> ${dep.slice('@rollup-mesh/'.length)}`)
    }
  }
  return edges
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

describe('ARCHITECTURE.md', () => {
  it('has the dependency graph of package.json', () => {
    const md = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8')
    const mermaid = md.match(/```mermaid\n([\s\S]*?)```/)?.[1] ?? ''
    const drawn = new Set(
      mermaid
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.includes('-->'))
        .map((l) => l.replace(/\s+/g, ' ')),
    )
    expect([...drawn].sort()).toEqual([...declaredEdges()].sort())
  })

  it('every cross-package import in src is a declared dependency', () => {
    const declared = declaredEdges()
    const undeclared: string[] = []
    for (const name of names) {
      for (const file of sourceFiles(join(packagesDir, name, 'src'))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from '@rollup-mesh\/([a-z0-9-]+)/g)) {
          if (m[1] !== name && !declared.has(`${name} --> ${m[1]}`)) undeclared.push(`${file}: ${m[1]}`)
        }
      }
    }
    expect(undeclared).toEqual([])
  })
})

describe('ARCHITECTURE.md code map', () => {
  // Every `packages/…/file.ts:name` the map names must exist: the file, and `name` declared in it
  // (function, class, const, type, method or property), so a move or rename that forgets the map fails here.
  const md = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8')
  const refs = [
    ...md.matchAll(
      /`((?:packages|test|examples)\/[^`:\s]+\.(?:ts|sol|circom)):([A-Za-z_$][\w$]*(?:\.[A-Za-z_$#][\w$]*)?)`/g,
    ),
  ]

  it('names at least one place for each behaviour section', () => {
    expect(refs.length).toBeGreaterThan(60)
  })

  it('every file:name it names exists', () => {
    const missing: string[] = []
    for (const [, file = '', name = ''] of refs) {
      const path = join(root, file)
      if (!existsSync(path)) {
        missing.push(`${file} (no such file)`)
        continue
      }
      const text = readFileSync(path, 'utf8')
      const last = name.split('.').at(-1)?.replace(/^#/, '') ?? name
      const escaped = last.replace(/[$]/g, '\\$')
      const declared = new RegExp(
        `(?:function\\*?|class|const|let|type|interface|contract|template|enum|get|set|async|static|readonly|private|#)\\s*${escaped}\\b|^\\s*(?:async\\s+)?#?${escaped}\\s*[(<:=]|\\b${escaped}\\s*:\\s*(?:async\\s*)?\\(`,
        'm',
      )
      if (!declared.test(text)) missing.push(`${file}:${name}`)
    }
    expect(missing).toEqual([])
  })
})

describe('errors', () => {
  it('src throws coded errors only (BaseError subclasses), never a bare Error, TypeError or RangeError', () => {
    const bare: string[] = []
    for (const name of names) {
      for (const file of sourceFiles(join(packagesDir, name, 'src'))) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/throw new (?:Error|TypeError|RangeError)\(/.test(line)) bare.push(`${file}:${i + 1}`)
          })
      }
    }
    expect(bare).toEqual([])
  })
})

describe('the repository is self-contained', () => {
  // A clone in an empty directory must pass its tests and run its benchmarks: no code may read a path
  // that resolves outside the repository (the DCAP samples once came from ../shared beside the clone).
  const tracked = execFileSync('git', ['ls-files', '*.ts', '*.mjs', '*.js', '*.cjs'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && !f.includes('node_modules/'))

  it('every path built from a file location stays inside the repository', () => {
    const outside: string[] = []
    // resolve(import.meta.dirname, '…') / join(import.meta.dirname, '…') / new URL('…', import.meta.url)
    const patterns = [
      /(?:resolve|join)\(\s*import\.meta\.dirname\s*,\s*((?:'[^']*'\s*,?\s*)+)\)/g,
      /new URL\(\s*'([^']*)'\s*,\s*import\.meta\.url\s*\)/g,
    ]
    for (const file of tracked) {
      const text = readFileSync(join(root, file), 'utf8')
      const dir = dirname(join(root, file))
      for (const pattern of patterns) {
        for (const m of text.matchAll(pattern)) {
          const parts = [...(m[1] ?? '').matchAll(/'([^']*)'/g)].map((p) => p[1] ?? '')
          const target = resolve(dir, ...(parts.length ? parts : [m[1] ?? '']))
          if (relative(root, target).startsWith('..')) outside.push(`${file}: ${m[0]}`)
        }
      }
      if (/\.\.\/shared\//.test(text) && !file.startsWith('test/e2e/architecture'))
        outside.push(`${file}: ../shared/`)
    }
    expect(outside).toEqual([])
  })

  it('the vendored DCAP samples match their recorded hashes', () => {
    const dir = join(root, 'packages/tee-attest/test/fixtures/dcap')
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n')
    // every sample (all but the licences, README and the sums themselves) is listed
    const samples = readdirSync(dir).filter((f) => !/^(LICENSE.*|README\.md|SHA256SUMS)$/.test(f))
    expect(sums.map((line) => line.split(/\s+/)[1]).sort()).toEqual(samples.sort())
    expect(sums.length).toBeGreaterThanOrEqual(8)
    for (const line of sums) {
      const [hash, name] = line.split(/\s+/)
      const actual = execFileSync('sha256sum', [join(dir, name ?? '')], { encoding: 'utf8' }).split(' ')[0]
      expect(actual, name).toBe(hash)
    }
  })
})
