import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { BaseError } from '@rollup-mesh/core'

/** File name of the node's libp2p identity inside its data dir. */
export const PEER_KEY_FILE = 'p2p-peer.key'

export class PeerKeyFileError extends BaseError {
  constructor(path: string, cause: unknown) {
    super(`The libp2p key file "${path}" cannot be read.`, {
      code: 'P2P_PEER_KEY_INVALID',
      name: 'PeerKeyFileError',
      cause,
      metaMessages: [
        '- Expected a protobuf-encoded libp2p private key written by rollup-mesh.',
        '- Delete the file to give the node a new peer id.',
      ],
    })
  }
}

/**
 * Loads the node's libp2p identity from `<dataDir>/p2p-peer.key`, or creates an Ed25519 key there
 * (mode 0600, written atomically) on first start. A key file readable by others is tightened to 0600.
 */
export async function loadOrCreatePeerKey(
  dataDir: string,
): Promise<{ privateKey: PrivateKey; created: boolean }> {
  const path = join(dataDir, PEER_KEY_FILE)
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new PeerKeyFileError(path, err)
  }
  if (bytes) {
    let privateKey: PrivateKey
    try {
      privateKey = privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new PeerKeyFileError(path, err)
    }
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600)
    return { privateKey, created: false }
  }
  const privateKey = await generateKeyPair('Ed25519')
  await mkdir(dataDir, { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, privateKeyToProtobuf(privateKey), { mode: 0o600 })
  await rename(tmp, path)
  return { privateKey, created: true }
}

/**
 * The peer id of the node whose data dir is `dataDir`, creating its identity when it has none: what a
 * launcher needs to write the node's multiaddr into other nodes' bootstrap lists before it starts.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict'
 * import { mkdtemp } from 'node:fs/promises'
 * import { tmpdir } from 'node:os'
 * import { join } from 'node:path'
 * import { loadOrCreatePeerId } from '@rollup-mesh/p2p'
 *
 * const dataDir = await mkdtemp(join(tmpdir(), 'node-'))
 * const peerId = await loadOrCreatePeerId(dataDir) // creates <dataDir>/p2p-peer.key
 * assert.equal(await loadOrCreatePeerId(dataDir), peerId) // and reads it back
 * assert.match(peerId, /^12D3KooW/) // an Ed25519 libp2p peer id
 * ```
 */
export async function loadOrCreatePeerId(dataDir: string): Promise<string> {
  const { privateKey } = await loadOrCreatePeerKey(dataDir)
  return peerIdFromPrivateKey(privateKey).toString()
}
