import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
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
