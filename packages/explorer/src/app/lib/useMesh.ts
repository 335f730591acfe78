import { useEffect, useReducer, useState } from 'preact/hooks'
import { MeshWatcher } from './meshWatcher.js'
import type { Network } from './types.js'

/** Reads `/mesh.json` once and starts one `MeshWatcher` over its networks for the page's lifetime. */
export function useMesh(): { networks: Network[]; watcher?: MeshWatcher; error?: string } {
  const [state, setState] = useState<{ networks: Network[]; watcher?: MeshWatcher; error?: string }>({
    networks: [],
  })
  useEffect(() => {
    let watcher: MeshWatcher | undefined
    // the server sends it `no-store`; the page's <link rel=preload> fetched it already
    fetch('./mesh.json')
      .then(async (res) => {
        if (!res.ok) throw new Response(null, { status: res.status })
        const body = (await res.json()) as { networks: Network[] }
        watcher = new MeshWatcher(body.networks)
        watcher.start()
        setState({ networks: body.networks, watcher })
      })
      .catch((err: unknown) =>
        setState({ networks: [], error: err instanceof Response ? `HTTP ${err.status}` : String(err) }),
      )
    return () => watcher?.stop()
  }, [])
  return state
}

/** Re-renders the calling component after every refresh of `watcher`. */
export function useWatcher(watcher: MeshWatcher): void {
  const [, tick] = useReducer((n: number, _: undefined) => n + 1, 0)
  useEffect(() => watcher.subscribe(() => tick(undefined)), [watcher])
}
