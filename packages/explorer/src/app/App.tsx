import { useEffect, useState } from 'preact/hooks'
import { Nav } from './components/Nav.js'
import type { MeshWatcher } from './lib/meshWatcher.js'
import { parseRoute, type Route } from './lib/router.js'
import type { Network } from './lib/types.js'
import { useMesh } from './lib/useMesh.js'
import { AddressPage } from './pages/AddressPage.js'
import { BlockPage } from './pages/BlockPage.js'
import { MessagesPage } from './pages/MessagesPage.js'
import { NetworkPage } from './pages/NetworkPage.js'
import { Overview } from './pages/Overview.js'
import { SettlementsPage } from './pages/SettlementsPage.js'
import { TxPage } from './pages/TxPage.js'
import { ValidatorsPage } from './pages/ValidatorsPage.js'

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
