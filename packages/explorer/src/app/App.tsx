import { useEffect, useState } from 'preact/hooks'
import { Nav } from './components/Nav.js'
import { lazyComponent } from './lib/lazyComponent.js'
import type { MeshWatcher } from './lib/meshWatcher.js'
import { parseRoute, type Route } from './lib/router.js'
import type { Network } from './lib/types.js'
import { useMesh } from './lib/useMesh.js'
import { Overview } from './pages/Overview.js'

// Every page but the overview is its own chunk, fetched when first shown: the first load carries only the
// overview (first paint), not viem's ABI code, the contract forms or the validators' views.
const NetworkPage = lazyComponent(() => import('./pages/NetworkPage.js').then((m) => m.NetworkPage))
const BlockPage = lazyComponent(() => import('./pages/BlockPage.js').then((m) => m.BlockPage))
const TxPage = lazyComponent(() => import('./pages/TxPage.js').then((m) => m.TxPage))
const AddressPage = lazyComponent(() => import('./pages/AddressPage.js').then((m) => m.AddressPage))
const SettlementsPage = lazyComponent(() =>
  import('./pages/SettlementsPage.js').then((m) => m.SettlementsPage),
)
const MessagesPage = lazyComponent(() => import('./pages/MessagesPage.js').then((m) => m.MessagesPage))
const ValidatorsPage = lazyComponent(() => import('./pages/ValidatorsPage.js').then((m) => m.ValidatorsPage))

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash))
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}

function Page(props: { route: Route; networks: Network[]; watcher: MeshWatcher }) {
  const { route, networks, watcher } = props
  const network = 'network' in route ? networks.find((n) => n.name === route.network) : undefined
  if ('network' in route && !network) return <p class="error">No network "{route.network}" in this mesh.</p>
  switch (route.page) {
    case 'overview':
      return <Overview watcher={watcher} />
    case 'network':
      return <NetworkPage network={network!} />
    case 'block':
      return <BlockPage network={network!} block={route.block} />
    case 'tx':
      return <TxPage network={network!} hash={route.hash} />
    case 'address':
      return <AddressPage network={network!} address={route.address} />
    case 'settlements':
      return <SettlementsPage watcher={watcher} />
    case 'messages':
      return <MessagesPage watcher={watcher} />
    case 'validators': {
      const mainnet = networks.find((n) => n.kind === 'mainnet')
      return mainnet ? <ValidatorsPage mainnet={mainnet} /> : <p class="error">This mesh has no main net.</p>
    }
    default:
      return <p class="error">No page at {'path' in route ? route.path : location.hash}.</p>
  }
}

/** The explorer: discovers the mesh from `/mesh.json`, then routes by `location.hash`. */
export function App() {
  const route = useRoute()
  const mesh = useMesh()
  return (
    <>
      <Nav route={route} networks={mesh.networks} />
      <main>
        {mesh.error && <p class="error">Cannot read the mesh: {mesh.error}</p>}
        {mesh.watcher ? (
          <Page route={route} networks={mesh.networks} watcher={mesh.watcher} />
        ) : (
          !mesh.error && <p>Discovering the mesh…</p>
        )}
      </main>
    </>
  )
}
