import { useState } from 'preact/hooks'
import { loadVerifier } from '../lib/verifierLoader.js'

/**
 * "export bundle" for one settled message: `mesh proof export`'s own `exportProofBundle` run in the page
 * (the SPN's `mesh_getExitProof`, the main net's acceptance, certificate and registry), saved as a download.
 */
export function BundleExport(props: {
  spnRpcUrl: string
  mainnetRpcUrl: string
  srcSpn: number
  position: number
}) {
  const [state, setState] = useState<{ busy?: boolean; error?: string; saved?: string }>({})
  const run = async () => {
    setState({ busy: true })
    try {
      const { exportBundle } = await loadVerifier()
      const bundle = await exportBundle(props)
      const name = `bundle-spn${props.srcSpn}-${props.position}.json`
      const blob = new Blob([`${JSON.stringify(bundle, null, 2)}\n`], { type: 'application/json' })
      const a = document.createElement('a')
      a.href = URL.createObjectURL(blob)
      a.download = name
      a.click()
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000)
      setState({ saved: name })
    } catch (err) {
      const e = err as { shortMessage?: string; message: string }
      setState({ error: e.shortMessage ?? e.message })
    }
  }
  return (
    <span class="bundle-export">
      <button type="button" data-testid="export-bundle" disabled={state.busy} onClick={() => void run()}>
        {state.busy ? 'exporting…' : 'export bundle'}
      </button>
      {state.saved && <span class="muted"> saved {state.saved}</span>}
      {state.error && <span class="error"> {state.error}</span>}
    </span>
  )
}
