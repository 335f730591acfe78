import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Every ```ts block after an `@example` tag in src/ runs here as a module (imports resolve to this
// package's source), so the JSDoc examples cannot rot. Their `assert`s are the checks.
const SRC = resolve(import.meta.dirname, '../../src')
const OUT = resolve(import.meta.dirname, '../.doc-examples')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

function docExamples(): { name: string; code: string }[] {
  const out: { name: string; code: string }[] = []
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(
      /@example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```\n[\s\S]*?\*\/\n(?:export )?(?:async )?(?:function|class|const) (\w+)/g,
    )) {
      const code = (m[1] as string).replace(/^\s*\* ?/gm, '')
      out.push({ name: `${relative(SRC, file)}: ${m[2]}`, code })
    }
  }
  return out
}

const ENTRY_POINTS = ['ExitTree', 'exitLeafHash', 'proveSettlement', 'verifySettlement']
const examples = docExamples()

describe('JSDoc examples', () => {
  beforeAll(() => mkdirSync(OUT, { recursive: true }))
  afterAll(() => rmSync(OUT, { recursive: true, force: true }))

  it('cover the entry points', () => {
    expect(examples.map((e) => e.name.split(': ')[1])).toEqual(expect.arrayContaining(ENTRY_POINTS))
  })

  for (const [i, example] of examples.entries())
    it(`${example.name} runs`, async () => {
      const file = join(OUT, `example-${i}.ts`)
      writeFileSync(file, `${example.code}\nexport {}\n`)
      await import(pathToFileURL(file).href)
    }, 120_000)
})
