import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')
const HEAVY = /^(libp2p|@libp2p\/|@chainsafe\/|@multiformats\/|it-|uint8arraylist)/

/** Every module `entry` reaches through static imports/exports: relative files and package specifiers. */
function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = []
  const packages = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (files.includes(file)) continue
    files.push(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gms)) {
      const spec = m[1] as string
      if (spec.startsWith('.')) queue.push(join(dirname(file), spec.replace(/\.js$/, '.ts')))
      else packages.add(spec)
    }
  }
  return { files, packages }
}

describe('@rollup-mesh/p2p/wire', () => {
  it('reaches the codecs but no libp2p package (it must stay light)', () => {
    const { files, packages } = importGraph(join(SRC, 'wire.ts'))
    expect(files.map((f) => f.slice(SRC.length + 1))).toEqual(
      expect.arrayContaining(['messages/header.ts', 'messages/exitBatch.ts', 'topics.ts', 'rlp.ts']),
    )
    expect([...packages].filter((p) => HEAVY.test(p))).toEqual([])
  })

  it('the walk does see libp2p from the full entry (the check above can fail)', () => {
    const { packages } = importGraph(join(SRC, 'index.ts'))
    expect([...packages].some((p) => HEAVY.test(p))).toBe(true)
  })
})
