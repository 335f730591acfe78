import type { Network } from './types.js'

/** The id of the `<script type="application/json">` the server writes `/mesh.json`'s body into. */
export const DISCOVERY_ELEMENT_ID = 'mesh-discovery'

/** How often the page asks `/mesh.json` again, to find networks added since (`mesh spn add`). */
export const DISCOVERY_INTERVAL_MS = 3000

function networksOf(body: unknown): Network[] | undefined {
  const networks = (body as { networks?: unknown } | null)?.networks
  return Array.isArray(networks) ? (networks as Network[]) : undefined
}

/**
 * The networks the server wrote into the page itself (no request before the first paint), or undefined
 * when the page came without them (Vite's dev server) or they do not parse.
 *
 * @example
 * const networks = embeddedNetworks(document) ?? (await fetchNetworks())
 */
export function embeddedNetworks(doc: Pick<Document, 'getElementById'>): Network[] | undefined {
  const text = doc.getElementById(DISCOVERY_ELEMENT_ID)?.textContent
  if (!text) return undefined
  try {
    return networksOf(JSON.parse(text))
  } catch {
    return undefined
  }
}

/** A `/mesh.json` that could not be read; `code` is stable. */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError'
  readonly code = 'DISCOVERY_FAILED'
  readonly shortMessage: string
  constructor(shortMessage: string) {
    super(shortMessage)
    this.shortMessage = shortMessage
  }
}

/**
 * The mesh's networks as `/mesh.json` lists them now.
 *
 * @example
 * const networks = await fetchNetworks() // [{ name: 'mainnet', … }, { name: 'spn1', … }]
 */
export async function fetchNetworks(url = './mesh.json'): Promise<Network[]> {
  const res = await fetch(url, { cache: 'no-store' })
  if (!res.ok) throw new DiscoveryError(`${url}: HTTP ${res.status}`)
  const networks = networksOf(await res.json())
  if (!networks) throw new DiscoveryError(`${url}: expected {"networks": [...]}`)
  return networks
}
