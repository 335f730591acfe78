import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { MeshCliError } from '../errors.js'

/** One network's accounts as `anvil_dumpState` holds them (anvil's format: hex balance, numeric nonce). */
type DumpedAccount = {
  nonce: number | string
  balance: string
  code?: string
  storage?: Record<string, string>
}

/** What `mesh up --dump-state FILE` writes and `--load-state FILE` reads: every network's state dump. */
export type MeshStateDump = {
  version: 1
  /** Network name (`mainnet`, `spn1`, …) → its node's `anvil_dumpState`, decoded (anvil's JSON). */
  networks: Record<string, { accounts: Record<string, DumpedAccount> } & Record<string, unknown>>
}

/** A genesis account of a node config's `alloc` (decimal strings for the bigints, as the config parses them). */
export type AllocAccount = { balance: string; nonce: string; code?: string; storage?: Record<string, string> }

/**
 * Asks every network's node for `anvil_dumpState` and writes the mesh's dump file (one JSON object, a
 * network per key). Returns the networks dumped.
 */
export async function dumpMeshState(
  networks: readonly { name: string; rpcUrl: string }[],
  file: string,
): Promise<string[]> {
  const out: MeshStateDump = { version: 1, networks: {} }
  for (const n of networks) {
    const res = await fetch(n.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_dumpState', params: [] }),
    })
    const body = (await res.json()) as { result?: string; error?: { message: string } }
    if (typeof body.result !== 'string')
      throw new MeshCliError(`${n.name} did not dump its state: ${body.error?.message ?? 'no result'}.`, {
        code: 'MESH_DUMP_STATE',
        metaMessages: ['- Dev methods answer on dev networks only (`dev: true`, what `mesh up` starts).'],
      })
    out.networks[n.name] = JSON.parse(gunzipSync(Buffer.from(body.result.slice(2), 'hex')).toString('utf8'))
  }
  writeFileSync(file, `${JSON.stringify(out)}\n`)
  return Object.keys(out.networks)
}

/**
 * Reads a mesh dump file as each network's genesis `alloc` (accounts, code, storage), to be layered over
 * the network's system genesis. Refuses a file that is not one, naming what is wrong.
 */
export function loadMeshState(file: string): Record<string, Record<string, AllocAccount>> {
  let parsed: MeshStateDump
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new MeshCliError(`Cannot read the state dump ${file}.`, {
      code: 'MESH_LOAD_STATE',
      cause: err,
      metaMessages: ['- Pass a file written by `mesh up --dump-state FILE`.'],
    })
  }
  if (parsed?.version !== 1 || typeof parsed.networks !== 'object' || parsed.networks === null)
    throw new MeshCliError(`${file} is not a mesh state dump (expected { version: 1, networks: {…} }).`, {
      code: 'MESH_LOAD_STATE',
      metaMessages: ['- Pass a file written by `mesh up --dump-state FILE`.'],
    })
  const out: Record<string, Record<string, AllocAccount>> = {}
  for (const [network, dump] of Object.entries(parsed.networks)) {
    const alloc: Record<string, AllocAccount> = {}
    for (const [address, a] of Object.entries(dump?.accounts ?? {})) {
      if (typeof a?.balance !== 'string' || (typeof a.nonce !== 'number' && typeof a.nonce !== 'string'))
        throw new MeshCliError(`${file}: account ${address} of ${network} has no balance or nonce.`, {
          code: 'MESH_LOAD_STATE',
          metaMessages: ['- Pass a file written by `mesh up --dump-state FILE`.'],
        })
      const storage = Object.entries(a.storage ?? {})
      alloc[address.toLowerCase()] = {
        balance: BigInt(a.balance).toString(),
        nonce: BigInt(a.nonce).toString(),
        ...(a.code && a.code !== '0x' ? { code: a.code } : {}),
        ...(storage.length ? { storage: Object.fromEntries(storage) } : {}),
      }
    }
    out[network] = alloc
  }
  return out
}
