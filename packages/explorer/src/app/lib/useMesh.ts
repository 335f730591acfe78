import { useEffect, useReducer, useState } from 'preact/hooks'
import { DISCOVERY_INTERVAL_MS, embeddedNetworks, fetchNetworks } from './discovery.js'
import { MeshWatcher } from './meshWatcher.js'
import type { Network } from './types.js'

type MeshState = { networks: Network[]; watcher?: MeshWatcher; error?: string }

function started(networks: Network[]): MeshState {
  const watcher = new MeshWatcher(networks)
  watcher.start()
  return { networks: watcher.networks, watcher }
}

/**
 * One `MeshWatcher` for the page's lifetime over the mesh's networks: those the server wrote into the page
 * (so the first render already lists every network and their heads are asked at once), else `/mesh.json`;
 * `/mesh.json` is asked again every few seconds and a network added since joins the watcher, no reload.
 */
export function useMesh(): MeshState {
  const [state, setState] = useState<MeshState>(() => {
    const networks = typeof document === 'undefined' ? undefined : embeddedNetworks(document)
    return networks ? started(networks) : { networks: [] }
  })
  useEffect(() => {
    let watcher = state.watcher
    let stopped = false
    const discover = async () => {
      try {
        const networks = await fetchNetworks()
        if (stopped) return
        if (!watcher) {
          const next = started(networks)
          watcher = next.watcher
          setState(next)
        } else if (watcher.addNetworks(networks).length > 0) setState({ networks: watcher.networks, watcher })
      } catch (err) {
        // a later ask may succeed; the page keeps what it knows
        if (!watcher && !stopped) setState({ networks: [], error: (err as Error).message })
      }
    }
    if (!watcher) void discover()
    const timer = setInterval(() => void discover(), DISCOVERY_INTERVAL_MS)
    return () => {
      stopped = true
      clearInterval(timer)
      watcher?.stop()
    }
  }, [])
  return state
}

/** Re-renders the calling component after every refresh of `watcher` (at most once a frame). */
export function useWatcher(watcher: MeshWatcher): void {
  const [, tick] = useReducer((n: number, _: undefined) => n + 1, 0)
  useEffect(() => watcher.subscribe(() => tick(undefined)), [watcher])
}
