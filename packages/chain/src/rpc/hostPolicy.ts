import { networkInterfaces } from 'node:os'
import { InvalidParameterError } from '@rollup-mesh/core'

/** Host names every node answers to, whatever its config: a page can only name these from the machine itself. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]']

/** Which `Host` headers the RPC answers (the DNS-rebinding guard, geth's `--http.vhosts`). */
export type HostPolicy = {
  /** The allowed host names, lower-case, IPv6 in brackets, without ports (`*`: any). */
  readonly hosts: readonly string[]
  /** Whether a request with this `Host` header may be served (absent: yes, no browser omits it). */
  allows(hostHeader: string | undefined): boolean
}

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]'])

/** Whether a bind address listens on every interface (`0.0.0.0`, `::`). */
export function isWildcardHost(bindHost: string): boolean {
  return WILDCARD_BINDS.has(bindHost.trim())
}

/** `[::1]:8545` → `[::1]`, `LocalHost.:80` → `localhost`, `::1` → `[::1]`; undefined when it is not a host. */
export function hostNameOf(value: string): string | undefined {
  const v = value.trim().toLowerCase()
  if (v.length === 0) return undefined
  let name: string
  if (v.startsWith('[')) {
    const end = v.indexOf(']')
    if (end < 0) return undefined
    const rest = v.slice(end + 1)
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined
    name = v.slice(0, end + 1)
  } else if (v.split(':').length > 2) {
    // a bare IPv6 address (config entries may leave out the brackets)
    if (!/^[0-9a-f:.]+$/.test(v)) return undefined
    name = `[${v}]`
  } else {
    const [h, port] = v.split(':') as [string, string | undefined]
    if (port !== undefined && !/^\d{1,5}$/.test(port)) return undefined
    name = h.endsWith('.') ? h.slice(0, -1) : h
  }
  if (name === '[]' || name === '') return undefined
  if (!name.startsWith('[') && !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) return undefined
  return name
}

/** The addresses a wildcard bind (`0.0.0.0`, `::`) is reachable at: this machine's interface addresses. */
function interfaceHostNames(): string[] {
  const out: string[] = []
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) out.push(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address)
  return out
}

/**
 * The `Host` allow-list of one RPC server: the loopback names (`localhost`, `127.0.0.1`, `[::1]`), the
 * address it is bound to (with a wildcard bind, every interface address of this machine), and
 * `allowedHosts` (a multi-host mesh's host names, `--rpc-allowed-hosts`); `*` turns the check off. Any
 * port. A DNS-rebinding page reaches the node under its own domain name, which is in none of these.
 *
 * @example
 * ```ts
 * import { createHostPolicy } from '@rollup-mesh/chain'
 *
 * const policy = createHostPolicy({ bindHost: '127.0.0.1', allowedHosts: ['node1.internal'] })
 * policy.allows('localhost:8545') // true
 * policy.allows('node1.internal:8545') // true
 * policy.allows('attacker.example:8545') // false
 * ```
 */
export function createHostPolicy(init: { bindHost: string; allowedHosts?: readonly string[] }): HostPolicy {
  const hosts = new Set<string>(LOOPBACK_HOST_NAMES)
  let any = false
  for (const [i, entry] of (init.allowedHosts ?? []).entries()) {
    if (entry.trim() === '*') {
      any = true
      continue
    }
    const name = hostNameOf(entry)
    if (name === undefined || entry.includes('/'))
      throw new InvalidParameterError({
        param: `rpc.allowedHosts[${i}]`,
        expected: 'a host name or IP address without scheme or path (e.g. node1.example.org, 10.0.0.5), or *',
        got: entry,
      })
    hosts.add(name)
  }
  const bind = hostNameOf(init.bindHost)
  if (bind) hosts.add(bind)
  if (isWildcardHost(init.bindHost)) for (const h of interfaceHostNames()) hosts.add(h)
  const list = any ? ['*'] : [...hosts]
  return {
    hosts: list,
    allows(hostHeader) {
      if (any || hostHeader === undefined) return true
      const name = hostNameOf(hostHeader)
      return name !== undefined && hosts.has(name)
    },
  }
}
