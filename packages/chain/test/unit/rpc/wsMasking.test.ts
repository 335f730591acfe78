import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

// `ws` masks and unmasks every WebSocket frame in JavaScript unless `bufferutil` resolves from where `ws`
// is installed (its optional peer): with it, a 2 MiB message costs a native pass (chain's dependency).
describe('WebSocket masking', () => {
  it('bufferutil resolves from ws and loads its native build, not the JavaScript fallback', () => {
    const fromWs = createRequire(createRequire(import.meta.url).resolve('ws'))
    const bufferutil = fromWs('bufferutil') as { mask: () => void; unmask: () => void }
    expect(String(bufferutil.unmask)).toContain('[native code]')
    expect(String(bufferutil.mask)).toContain('[native code]')
  })
})
