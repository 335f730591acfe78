import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RPCError } from '../../../src/errors.js'
import { createReadPool } from '../../../src/rpc/readPool.js'
import { createReadRouter } from '../../../src/rpc/readRouter.js'
import { SerializedResult } from '../../../src/rpc/responseText.js'
import { storeWithGenesis } from '../helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'chain-read-pool-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('createReadPool and createReadRouter', () => {
  it('answers reads from the committed store as JSON (a block as shared bytes), errors as RPC errors, misses on the main thread', async () => {
    const path = join(dir, 'chain.db')
    const store = storeWithGenesis(path)
    const pool = createReadPool({ path, chainId: 31_337n, workers: 1 })
    try {
      const genesis = store.getHeaderByNumber(0n)
      const block = await pool.call('eth_getBlockByNumber', ['latest', false])
      // a block's answer (memoized: every waiting client fetches it) comes as UTF-8 bytes in shared memory
      if (!('bytes' in block)) throw new Error(`expected bytes, got ${JSON.stringify(block)}`)
      expect(block.bytes.buffer).toBeInstanceOf(SharedArrayBuffer)
      expect(JSON.parse(new TextDecoder().decode(block.bytes)).hash).toBe(genesis?.hash)
      expect(await pool.call('eth_getBlockByNumber', ['0xzz'])).toMatchObject({ error: { code: -32602 } })
      // a hash the store lacks may be pooled: only the main thread can answer it
      expect(await pool.call('eth_getTransactionByHash', [`0x${'ab'.repeat(32)}`])).toEqual({ miss: true })
      const main: string[] = []
      const router = createReadRouter({
        pool,
        served: ['eth_getBlockByNumber', 'eth_getTransactionByHash'],
        methods: { eth_getTransactionByHash: () => 'from the pool' },
        answered: (thread) => main.push(thread),
      })
      expect(router.route('eth_chainId', [])).toBeUndefined() // not a read the workers serve
      expect(await router.route('eth_getBlockByNumber', ['0x0', false])).toBeInstanceOf(SerializedResult)
      expect(await router.route('eth_getTransactionByHash', [`0x${'ab'.repeat(32)}`])).toBe('from the pool')
      await expect(router.route('eth_getBlockByNumber', ['0xzz'])).rejects.toBeInstanceOf(RPCError)
      expect(main).toEqual(['worker', 'main', 'worker'])
      expect(pool.inFlight()).toBe(0)
      // requests queued in one event-loop phase (separate HTTP requests: separate microtask chains) go as one message
      const sent = pool.messages()
      const first = pool.call('eth_getBlockByNumber', ['0x0', false])
      await Promise.resolve()
      await Promise.resolve()
      const second = pool.call('eth_getBlockByNumber', ['latest', false])
      expect(await Promise.all([first, second])).toHaveLength(2)
      expect(pool.messages() - sent).toBe(1)
    } finally {
      await pool.close()
      store.close()
    }
  })

  it('a worker that cannot read the store answers miss: the main thread serves everything', async () => {
    const pool = createReadPool({ path: join(dir, 'missing', 'chain.db'), chainId: 1n, workers: 1 })
    try {
      expect(await pool.call('eth_getBlockByNumber', ['latest', false])).toMatchObject({ miss: true })
      expect(await pool.call('eth_getBlockByNumber', ['latest', false])).toMatchObject({ miss: true })
    } finally {
      await pool.close()
    }
  })
})
