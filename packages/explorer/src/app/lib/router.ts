/** The explorer's pages, as the hash router reads them from `location.hash`. */
export type Route =
  | { page: 'overview' }
  | { page: 'network'; network: string }
  | { page: 'block'; network: string; block: string }
  | { page: 'tx'; network: string; hash: string }
  | { page: 'address'; network: string; address: string }
  | { page: 'settlements' }
  | { page: 'messages' }
  | { page: 'validators' }
  | { page: 'not-found'; path: string }

/**
 * Parses `#/network/spn1/block/12` and its kin; anything unknown is `not-found`.
 *
 * @example
 * parseRoute('#/network/spn1/tx/0xab…') // { page: 'tx', network: 'spn1', hash: '0xab…' }
 */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '')
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  if (parts.length === 0) return { page: 'overview' }
  const [head, network, kind, id] = parts
  if (parts.length === 1 && head === 'settlements') return { page: 'settlements' }
  if (parts.length === 1 && head === 'messages') return { page: 'messages' }
  if (parts.length === 1 && head === 'validators') return { page: 'validators' }
  if (head === 'network' && network) {
    if (parts.length === 2) return { page: 'network', network }
    if (parts.length === 4 && kind === 'block' && id && /^(\d+|0x[0-9a-fA-F]{64})$/.test(id))
      return { page: 'block', network, block: id }
    if (parts.length === 4 && kind === 'tx' && id && /^0x[0-9a-fA-F]{64}$/.test(id))
      return { page: 'tx', network, hash: id }
    if (parts.length === 4 && kind === 'address' && id && /^0x[0-9a-fA-F]{40}$/.test(id))
      return { page: 'address', network, address: id }
  }
  return { page: 'not-found', path: `/${parts.join('/')}` }
}

/** The hash of a route (the inverse of `parseRoute`). */
export function routeHref(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/'
    case 'network':
      return `#/network/${route.network}`
    case 'block':
      return `#/network/${route.network}/block/${route.block}`
    case 'tx':
      return `#/network/${route.network}/tx/${route.hash}`
    case 'address':
      return `#/network/${route.network}/address/${route.address}`
    case 'settlements':
      return '#/settlements'
    case 'messages':
      return '#/messages'
    case 'validators':
      return '#/validators'
    case 'not-found':
      return `#${route.path}`
  }
}
