import { InvalidParameterError } from '@rollup-mesh/core'

/** Which browser origins may talk to the RPC: CORS for HTTP, the upgrade's `Origin` for WebSocket. */
export type OriginPolicy = {
  /** The allowed origins, normalised (`scheme://host[:port]`; `*`: any). Empty: none (the default). */
  readonly origins: readonly string[]
  /** Whether a request with this `Origin` header may be served (absent: yes, it is not a browser page). */
  allows(origin: string | undefined): boolean
  /** The CORS response headers for an allowed browser origin; undefined for none or a refused one. */
  corsHeaders(origin: string | undefined): Record<string, string> | undefined
}

/** `HTTP://Explorer.localhost:80` → `http://explorer.localhost`; undefined when it is not an origin. */
export function normalizeOrigin(value: string): string | undefined {
  const v = value.trim()
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(v)) return undefined
  try {
    const url = new URL(v)
    return url.origin === 'null' ? undefined : url.origin
  } catch {
    return undefined
  }
}

/** Origins of browser extensions (wallets such as MetaMask call the RPC from theirs); no web page can send one. */
const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[a-z0-9._-]+$/i

/** Whether an `Origin` is a browser extension's (the browser sets it; a web page cannot claim one). */
export function isExtensionOrigin(origin: string): boolean {
  return EXTENSION_ORIGIN.test(origin.trim())
}

/**
 * The origin allow-list of one RPC server (`--cors`, `rpc.corsOrigins`): off by default, so no web page
 * can read an answer (CORS) or open a WebSocket. Requests without an `Origin` header (viem, ethers and
 * cast in Node, curl) are not browser pages and pass, and so do browser extensions' origins (a wallet
 * such as MetaMask calls from `chrome-extension://<id>`; a page cannot send that). `*` allows every origin.
 *
 * @example
 * ```ts
 * import { createOriginPolicy } from '@rollup-mesh/chain'
 *
 * const policy = createOriginPolicy(['http://localhost:5173'])
 * policy.allows('http://localhost:5173') // true
 * policy.allows('http://evil.example') // false
 * policy.allows(undefined) // true: not a browser
 * ```
 */
export function createOriginPolicy(entries: readonly string[] = []): OriginPolicy {
  const origins = new Set<string>()
  let any = false
  for (const [i, entry] of entries.entries()) {
    if (entry.trim() === '*') {
      any = true
      continue
    }
    const origin = normalizeOrigin(entry)
    if (origin === undefined)
      throw new InvalidParameterError({
        param: `rpc.corsOrigins[${i}]`,
        expected: 'an origin, scheme://host[:port] without a path (e.g. http://localhost:5173), or *',
        got: entry,
      })
    origins.add(origin)
  }
  const allows = (origin: string | undefined): boolean => {
    if (origin === undefined) return true
    if (any || isExtensionOrigin(origin)) return true
    const o = normalizeOrigin(origin)
    return o !== undefined && origins.has(o)
  }
  return {
    origins: any ? ['*'] : [...origins],
    allows,
    corsHeaders(origin) {
      if (origin === undefined || !allows(origin)) return undefined
      return {
        'access-control-allow-origin': any ? '*' : origin,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
        vary: 'origin',
      }
    },
  }
}
