import { BrowserBuffer } from './buffer.js'

/**
 * Node globals the verifier's packages touch at load time (`Buffer`, `process.env`), installed before
 * them: the verifier's entry imports this module first.
 */
const g = globalThis as Record<string, unknown>
g.Buffer ??= BrowserBuffer
g.process ??= { env: {}, pid: 0, platform: 'browser', versions: {}, cwd: () => '/' }
g.global ??= globalThis
