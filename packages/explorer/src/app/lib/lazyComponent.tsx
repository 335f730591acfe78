import type { ComponentType, JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/**
 * A component whose code is a separate chunk, fetched the first time it renders (then kept): the page's
 * first load carries only what the overview needs. Until the chunk is there it renders `fallback`.
 *
 * @example
 * const NetworkPage = lazyComponent(() => import('../pages/NetworkPage.js').then((m) => m.NetworkPage))
 * // <NetworkPage network={network} />
 */
export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: () => JSX.Element | null = () => <p class="muted">Loading…</p>,
): (props: P) => JSX.Element | null {
  let loaded: ComponentType<P> | undefined
  let pending: Promise<ComponentType<P>> | undefined
  let failed: string | undefined
  return function Lazy(props: P) {
    const [, setReady] = useState(0)
    useEffect(() => {
      if (loaded || failed) return
      let live = true
      pending ??= load()
      pending.then(
        (component) => {
          loaded = component
          if (live) setReady((n) => n + 1)
        },
        (err: unknown) => {
          failed = (err as Error).message
          pending = undefined
          if (live) setReady((n) => n + 1)
        },
      )
      return () => {
        live = false
      }
    }, [])
    if (loaded) {
      const Component = loaded
      return <Component {...props} />
    }
    if (failed) return <p class="error">This part of the page did not load: {failed}</p>
    return fallback()
  }
}
