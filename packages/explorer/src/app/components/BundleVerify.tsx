import { useState } from 'preact/hooks'
import { loadVerifier } from '../lib/verifierLoader.js'

type Check = { name: string; ok: boolean; detail: string; warning?: true }
type Result = { ok: boolean; failed?: string; checks: Check[] }

/**
 * Verify a proof bundle in the browser: drop a bundle file (or pick one) and every check of
 * `mesh proof verify` — the same `verifyProofBundle`, built for the browser — is listed with ✓/✗ and
 * its message; a failed bundle names its first failed check.
 */
export function BundleVerify() {
  const [file, setFile] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<Result>()
  const [over, setOver] = useState(false)
  const verify = async (f: File) => {
    setFile(f.name)
    setBusy(true)
    setResult(undefined)
    try {
      const { verifyBundleText } = await loadVerifier()
      setResult(await verifyBundleText(await f.text()))
    } catch (err) {
      const e = err as { shortMessage?: string; message: string }
      setResult({
        ok: false,
        failed: 'verifier',
        checks: [{ name: 'verifier', ok: false, detail: e.shortMessage ?? e.message }],
      })
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="bundle-verify">
      <h2>Verify a proof bundle</h2>
      <label
        class={over ? 'dropzone over' : 'dropzone'}
        data-testid="bundle-dropzone"
        onDragOver={(e) => {
          e.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault()
          setOver(false)
          const f = e.dataTransfer?.files[0]
          if (f) void verify(f)
        }}
      >
        Drop a bundle file here (what <code>mesh proof export</code> or "export bundle" writes), or pick one:{' '}
        <input
          type="file"
          accept=".json,application/json"
          data-testid="bundle-file"
          onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0]
            if (f) void verify(f)
          }}
        />
      </label>
      {busy && (
        <p class="muted">Verifying {file}… (Groth16, BLS certificate and TEE quote run in this page)</p>
      )}
      {result && (
        <>
          <p
            class={result.ok ? 'verdict ok' : 'verdict bad'}
            data-testid="bundle-result"
            data-ok={String(result.ok)}
          >
            {file}: {result.ok ? '✓ verified' : `✗ failed at ${result.failed}`}
          </p>
          <ul class="checks" data-testid="bundle-checks">
            {result.checks.map((c) => (
              <li key={c.name} data-check={c.name} data-ok={String(c.ok)} class={c.ok ? 'ok' : 'bad'}>
                {c.ok ? (c.warning ? '⚠' : '✓') : '✗'} <b>{c.name}</b>: {c.detail}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
