import type { Route } from '../lib/router.js'
import type { Network } from '../lib/types.js'

/** The top bar: the overview, each network, settlements, messages and the main net's validators. */
export function Nav(props: { route: Route; networks: Network[] }) {
  const { route, networks } = props
  const current = (active: boolean) => (active ? 'active' : undefined)
  return (
    <nav>
      <a class="brand" href="#/">
        rollup-mesh
      </a>
      <a href="#/" class={current(route.page === 'overview')}>
        Overview
      </a>
      {networks.map((n) => (
        <a
          key={n.name}
          href={`#/network/${n.name}`}
          class={current('network' in route && route.network === n.name)}
        >
          {n.name}
        </a>
      ))}
      <a href="#/settlements" class={current(route.page === 'settlements')}>
        Settlements
      </a>
      <a href="#/messages" class={current(route.page === 'messages')}>
        Messages
      </a>
      {networks.some((n) => n.kind === 'mainnet') && (
        <a href="#/validators" class={current(route.page === 'validators')}>
          Validators
        </a>
      )}
    </nav>
  )
}
