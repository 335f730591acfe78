import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { InvalidConfigError, parseConfig } from '@rollup-mesh/core'
import { afterAll, describe, expect, it } from 'vitest'
import {
  loadOrCreatePeerKey,
  PEER_KEY_FILE,
  p2pConfigSchema,
  parseTopic,
  topicName,
} from '../../src/index.js'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

describe('persistent identity', () => {
  it('creates a 0600 key file once and reloads the same peer id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'p2p-id-'))
    dirs.push(dir)
    const first = await loadOrCreatePeerKey(join(dir, 'data'))
    expect(first.created).toBe(true)
    const path = join(dir, 'data', PEER_KEY_FILE)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const again = await loadOrCreatePeerKey(join(dir, 'data'))
    expect(again.created).toBe(false)
    expect(peerIdFromPrivateKey(again.privateKey).toString()).toBe(
      peerIdFromPrivateKey(first.privateKey).toString(),
    )
    await chmod(path, 0o644)
    await loadOrCreatePeerKey(join(dir, 'data'))
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it('a key file that does not parse is PeerKeyFileError (P2P_PEER_KEY_INVALID)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'p2p-id-'))
    dirs.push(dir)
    await writeFile(join(dir, PEER_KEY_FILE), 'not a protobuf key')
    await expect(loadOrCreatePeerKey(dir)).rejects.toMatchObject({
      name: 'PeerKeyFileError',
      code: 'P2P_PEER_KEY_INVALID',
    })
  })
})

describe('topics', () => {
  it('parses what topicName builds and nothing else', () => {
    expect(parseTopic(topicName('mainnet', 'headers'))).toEqual({ network: 'mainnet', kind: 'headers' })
    expect(parseTopic('/rollup-mesh/2/mainnet/headers')).toBeNull()
    expect(parseTopic('/rollup-mesh/1/mainnet/blocks')).toBeNull()
    expect(parseTopic('/rollup-mesh/1/Main/txs')).toBeNull()
  })
})

describe('p2p config schema', () => {
  it('fills defaults and names a bad multiaddr', () => {
    expect(parseConfig(p2pConfigSchema, {})).toEqual({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] })
    expect(() => parseConfig(p2pConfigSchema, { bootstrap: ['127.0.0.1:4001'] }, 'p2p config')).toThrow(
      /bootstrap\.0/,
    )
    expect(() => parseConfig(p2pConfigSchema, { listen: [], port: 1 })).toThrow(InvalidConfigError)
  })
})
