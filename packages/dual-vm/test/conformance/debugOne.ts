/** Debug aid: one state test on both engines, the write sets' differences printed. `node … debugOne.ts folder name [fork] [index]` */

import type { Executor } from '@rollup-mesh/core'
import { createSerialExecutor } from '../../src/index.js'
import { loadStateTests, runStatePost } from './stateTest.js'

const [folder, name, forkArg, indexArg] = process.argv.slice(2)
const test = loadStateTests(folder!)[name!]!
const fork = forkArg ?? Object.keys(test.post)[0]!
const post = test.post[fork]![Number(indexArg ?? 0)]!
const results: Record<string, unknown> = {}
for (const engine of ['ethereumjs', 'fast'] as const) {
  const outcome = await runStatePost(test, fork, post, (f) => {
    const e = createSerialExecutor({ hardfork: f, yieldEveryMs: 0, evm: engine })
    const orig = e.executeBlock.bind(e)
    ;(e as Executor).executeBlock = async (b, st) => {
      const r = await orig(b, st)
      results[engine] = { receipt: r.receipts[0], ws: r.writeSet, stats: e.evmStats }
      return r
    }
    return e
  })
  console.log(engine, outcome)
}
const j = (v: unknown) =>
  JSON.stringify(
    v,
    (_, x) =>
      typeof x === 'bigint'
        ? x.toString()
        : x instanceof Map
          ? Object.fromEntries(x)
          : x instanceof Uint8Array
            ? x.length
            : x,
    1,
  )
const a = j(results.ethereumjs).split('\n')
const b = j(results.fast).split('\n')
for (let i = 0; i < Math.max(a.length, b.length); i++)
  if (a[i] !== b[i]) console.log(i, 'ejs:', a[i], ' fast:', b[i])
