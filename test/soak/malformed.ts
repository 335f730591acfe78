import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './processes.js'

/** A seeded PRNG (mulberry32): the same seed gives the same flood. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One hostile request: over HTTP (method, content type, body) or as one WebSocket message. */
export type AbuseRequest = {
  kind: string
  transport: 'http' | 'ws'
  httpMethod?: string
  contentType?: string | undefined
  body: string | Buffer
}

const METHOD_RE =
  /['"`]((?:eth|net|web3|txpool|debug|mesh|anvil|evm|hardhat|personal|rpc|admin|miner)_[A-Za-z0-9]+)['"`]/g

/** Every JSON-RPC method name the nodes' sources mention (what they register, plus a few they refuse). */
export function methodNames(): string[] {
  const names = new Set<string>()
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e)
      if (statSync(p).isDirectory()) walk(p)
      else if (p.endsWith('.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(METHOD_RE)) names.add(m[1] as string)
    }
  }
  for (const pkg of ['chain', 'spn', 'mainnet']) walk(join(root, 'packages', pkg, 'src'))
  return [...names].sort()
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T

function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256)
  return b
}

/** A value of a random wrong-ish type for a parameter. */
function wrongValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 16)
  switch (k) {
    case 0:
      return null
    case 1:
      return r() < 0.5
    case 2:
      return Math.floor(r() * 2 ** 53) * (r() < 0.5 ? -1 : 1)
    case 3:
      return r() * 1e308
    case 4:
      return '0x'
    case 5:
      return `0x${'f'.repeat(1 + Math.floor(r() * 200))}`
    case 6:
      return '0xzz'
    case 7:
      return 'latest'
    case 8:
      return `0x${randomBytes(r, 20).toString('hex')}`
    case 9:
      return depth < 3
        ? { __proto__: wrongValue(r, depth + 1), constructor: { prototype: { polluted: 1 } } }
        : {}
    case 10:
      return depth < 3 ? [wrongValue(r, depth + 1), wrongValue(r, depth + 1)] : []
    case 11:
      return depth < 3
        ? { to: wrongValue(r, depth + 1), data: wrongValue(r, depth + 1), from: wrongValue(r, depth + 1) }
        : {}
    case 12:
      return { fromBlock: '0x0', toBlock: 'latest', address: wrongValue(r, 3), topics: [[wrongValue(r, 3)]] }
    case 13:
      return -1
    case 14:
      return 'x'.repeat(Math.floor(r() * 10_000))
    default:
      return { blockNumber: '0x1', requireCanonical: 'yes' }
  }
}

const env = (method: unknown, params: unknown, id: unknown = 1): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params })

/**
 * The bytes of `env(method, ['a'.repeat(size)])`, written straight into one buffer: the same body without
 * building a string of up to 16 MiB, stringifying it and encoding it again (the generator's main cost).
 */
export function hugeStringBody(method: string, size: number): Buffer {
  const head = `{"jsonrpc":"2.0","id":1,"method":${JSON.stringify(method)},"params":["`
  const tail = '"]}'
  const out = Buffer.allocUnsafe(head.length + size + tail.length)
  out.write(head, 0, 'latin1')
  out.fill(0x61, head.length, head.length + size)
  out.write(tail, head.length + size, 'latin1')
  return out
}

/** Text of a JSON object with `__proto__` as an own key (JSON.stringify drops it from literals). */
const protoJSON = (inner: string): string =>
  `{"jsonrpc":"2.0","id":7,"__proto__":{"polluted":true,"jsonrpc":"1.0"},"constructor":{"prototype":{"polluted":true}},${inner}}`

/**
 * The generators of hostile requests, by kind. Each returns one request; `methods` are the registered
 * method names, `validTx` a correctly signed raw transaction to mangle.
 */
export function createAbuseGenerator(options: {
  seed: number
  methods: string[]
  validTx: string
  maxBodyBytes: number
  /** Only these kinds (a diagnosis: `MESH_SOAK_ABUSE_KINDS`); default all. */
  kinds?: readonly string[] | undefined
}) {
  const r = prng(options.seed)
  const { methods, validTx } = options
  const valid = env('eth_blockNumber', [])
  // Huge bodies are built once and drawn from: building a fresh one per request cost the generator ~15 ms
  // (multi-MiB strings) and ~9 ms (long batches) of CPU each, mostly first touches of new memory, taken
  // from the valid traffic on the shared cores. The node gets the same bytes and does the same work.
  let pools: { strings: Buffer[]; overLimit: Buffer[]; batches: string[] } | undefined
  const huge = () => {
    pools ??= {
      // one per method, 0–2 MiB, and a few over the body limit
      strings: methods.map((m) => hugeStringBody(m, Math.floor(r() * 2 * 1024 * 1024))),
      overLimit: Array.from({ length: 4 }, () =>
        hugeStringBody(pick(r, methods), options.maxBodyBytes + 1024),
      ),
      batches: Array.from({ length: 32 }, () => {
        const n = pick(r, [2_001, 5_000, 1_000, 500])
        const batch = Array.from({ length: n }, (_, i) =>
          r() < 0.5 ? { jsonrpc: '2.0', id: i, method: pick(r, methods), params: [wrongValue(r, 3)] } : i,
        )
        return JSON.stringify(batch)
      }),
    }
    return pools
  }
  const generators: Record<string, () => AbuseRequest> = {
    'random-bytes': () => ({
      kind: 'random-bytes',
      transport: 'http',
      body: randomBytes(r, Math.floor(r() * 4096)),
    }),
    truncated: () => {
      const full = env(pick(r, methods), [wrongValue(r), wrongValue(r)])
      return { kind: 'truncated', transport: 'http', body: full.slice(0, Math.floor(r() * full.length)) }
    },
    'deep-nesting': () => {
      const d = 1_000 + Math.floor(r() * 200_000)
      const body =
        r() < 0.5
          ? '['.repeat(d) + ']'.repeat(d)
          : `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":${'['.repeat(d)}${']'.repeat(d)}}`
      return { kind: 'deep-nesting', transport: 'http', body }
    },
    'deep-object': () => {
      const d = 500 + Math.floor(r() * 50_000)
      const body = `{"jsonrpc":"2.0","id":1,"method":"${pick(r, methods)}","params":[${'{"a":'.repeat(d)}1${'}'.repeat(d)}]}`
      return { kind: 'deep-object', transport: 'http', body }
    },
    envelope: () => {
      const bad = [
        JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'eth_chainId' }),
        JSON.stringify({ id: 1, method: 'eth_chainId' }),
        JSON.stringify({ jsonrpc: '2.0', id: 1 }),
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 42 }),
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: { a: 1 } }),
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: 'x' }),
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: '' }),
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'no_such_method' }),
        JSON.stringify('just a string'),
        '42',
        'null',
        'true',
        '[]',
        '[1,2,3]',
        '{}',
      ]
      return { kind: 'envelope', transport: pick(r, ['http', 'http', 'ws'] as const), body: pick(r, bad) }
    },
    ids: () => {
      const id = pick(r, [{}, [], true, 1.5e308, 'x'.repeat(100_000), { a: [1] }, -0, 'null'])
      return { kind: 'ids', transport: pick(r, ['http', 'ws'] as const), body: env('eth_chainId', [], id) }
    },
    'param-types': () => {
      const params = Array.from({ length: Math.floor(r() * 5) }, () => wrongValue(r))
      return {
        kind: 'param-types',
        transport: pick(r, ['http', 'http', 'http', 'ws'] as const),
        body: env(pick(r, methods), params),
      }
    },
    'huge-batch': () => ({
      kind: 'huge-batch',
      transport: pick(r, ['http', 'ws'] as const),
      body: pick(r, huge().batches),
    }),
    'huge-string': () => ({
      kind: 'huge-string',
      transport: pick(r, ['http', 'http', 'ws'] as const),
      body: r() < 0.3 ? pick(r, huge().overLimit) : pick(r, huge().strings),
    }),
    'bad-raw-tx': () => {
      const mangle = [
        () => `0x${randomBytes(r, Math.floor(r() * 300)).toString('hex')}`,
        () => validTx.slice(0, Math.floor(r() * validTx.length)),
        () => `${validTx}00`,
        () => `0x7e${validTx.slice(4)}`,
        () => `0x05${validTx.slice(4)}`,
        () => validTx.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        () => `0x${'00'.repeat(200_000)}`,
        () => wrongValue(r),
      ]
      return {
        kind: 'bad-raw-tx',
        transport: pick(r, ['http', 'ws'] as const),
        body: env('eth_sendRawTransaction', [pick(r, mangle)()]),
      }
    },
    'http-method': () => ({
      kind: 'http-method',
      transport: 'http',
      httpMethod: pick(r, ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']),
      body: valid,
    }),
    'content-type': () => ({
      kind: 'content-type',
      transport: 'http',
      contentType: pick(r, [
        undefined,
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/xml',
        'application/json-foo',
      ]),
      body: valid,
    }),
    prototype: () => {
      const bodies = [
        protoJSON('"method":"eth_chainId","params":[]'),
        env('__proto__', []),
        env('constructor', []),
        env('toString', []),
        env('hasOwnProperty', ['x']),
        env('eth_call', [
          JSON.parse(
            '{"__proto__":{"to":"0x0000000000000000000000000000000000000001"},"constructor":{"prototype":{"x":1}}}',
          ),
          'latest',
        ]),
        env('eth_getLogs', [JSON.parse('{"__proto__":{"fromBlock":"0x0"},"address":{"__proto__":[]}}')]),
        env('eth_newFilter', [JSON.parse('{"__proto__":{"topics":[["0x1"]]}}')]),
        env('eth_estimateGas', [JSON.parse('{"__proto__":{"polluted":true},"from":{"__proto__":null}}')]),
      ]
      return { kind: 'prototype', transport: pick(r, ['http', 'ws'] as const), body: pick(r, bodies) }
    },
  }
  const kinds = Object.keys(generators).filter((k) => !options.kinds?.length || options.kinds.includes(k))
  if (kinds.length === 0) throw new Error(`no such kinds of hostile request: ${options.kinds?.join(', ')}`)
  if (kinds.includes('huge-string') || kinds.includes('huge-batch')) huge() // before the flood starts
  return {
    kinds,
    next(): AbuseRequest {
      return (generators[pick(r, kinds)] as () => AbuseRequest)()
    },
  }
}
