import type { IncomingMessage } from 'node:http'
import type { HostPolicy } from './hostPolicy.js'
import type { OriginPolicy } from './originPolicy.js'

/** Whether an `Origin` names the very host the request was sent to (`http://<Host>`). */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined) return false
  try {
    const url = new URL(origin)
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host
    )
  } catch {
    return false
  }
}

/**
 * Why a request's `Host` or `Origin` is refused (HTTP requests and WebSocket upgrades alike), or undefined
 * when it is allowed: the DNS-rebinding guard, then the browser-origin allow-list (a page the node serves
 * itself is same-origin).
 *
 * @example
 * ```ts
 * const refusal = createRequestGuard(hostPolicy, originPolicy)
 * refusal(req) // undefined, or 'invalid host specified: "evil.example" is not one of …'
 * ```
 */
export function createRequestGuard(
  hostPolicy: HostPolicy,
  originPolicy: OriginPolicy,
): (req: IncomingMessage) => string | undefined {
  return (req) => {
    if (!hostPolicy.allows(req.headers.host))
      return `invalid host specified: "${req.headers.host}" is not one of this RPC's host names (${hostPolicy.hosts.join(', ')}); a guard against DNS rebinding. Add it with --rpc-allowed-hosts (rpc.allowedHosts)`
    const origin = req.headers.origin
    // A page the node itself serves is same-origin (browsers send Origin on every POST and upgrade); its
    // Host already passed the allow-list above.
    if (!originPolicy.allows(origin) && !isSameOrigin(origin, req.headers.host))
      return `origin "${origin}" is not allowed: ${originPolicy.origins.length ? `allowed origins are ${originPolicy.origins.join(', ')}` : 'no browser origin is allowed'}. Allow it with --cors <origins> (rpc.corsOrigins)`
    return undefined
  }
}
