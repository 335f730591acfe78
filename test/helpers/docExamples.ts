import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Every ```ts block after an `@example` tag in `src`, named `file: declaration`. */
export function docExamples(src: string): { name: string; code: string }[] {
  const out: { name: string; code: string }[] = []
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(
      /@example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```\n[\s\S]*?\*\/\n(?:export )?(?:async )?(?:function|class|const) (\w+)/g,
    )) {
      const code = (m[1] as string).replace(/^\s*\* ?/gm, '')
      out.push({ name: `${relative(src, file)}: ${m[2]}`, code })
    }
  }
  return out
}

/**
 * Runs every JSDoc `@example` of a package's `src` as a module (imports resolve to the packages' source,
 * as in every test), so the examples cannot rot; their `assert`s are the checks. `entryPoints` must each
 * have one.
 */
export function describeDocExamples(options: { src: string; out: string; entryPoints: string[] }): void {
  const examples = docExamples(options.src)
  describe('JSDoc examples', () => {
    beforeAll(() => mkdirSync(options.out, { recursive: true }))
    afterAll(() => rmSync(options.out, { recursive: true, force: true }))

    it('cover the entry points', () => {
      expect(examples.map((e) => e.name.split(': ')[1])).toEqual(expect.arrayContaining(options.entryPoints))
    })

    for (const [i, example] of examples.entries())
      it(`${example.name} runs`, async () => {
        const file = join(options.out, `example-${i}.ts`)
        writeFileSync(file, `${example.code}\nexport {}\n`)
        await import(pathToFileURL(file).href)
      }, 120_000)
  })
}
