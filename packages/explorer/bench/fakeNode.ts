import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A stand-in JSON-RPC node for the page-side benchmark (`bench/pageLoad.ts`): it produces a block every
 * `blockMs` carrying `txPerBlock` transactions, answers what the explorer asks (blocks with hashes or full
 * transactions, transactions by hash, `mesh_nodeInfo`, empty settlements/messages/inbox; JSON-RPC batches;
 * CORS for any origin) and pushes `newHeads` over a minimal WebSocket. It lets the page be measured under a
 * transaction rate the shared 2-core machine's real SPN cannot reach; it is not a chain (no state, no
 * execution).
 */
export type FakeNode = { rpcUrl: string; wsUrl: string; stop(): Promise<void>; blocks(): number }

type Block = { number: number; hash: string; timestamp: number; txs: string[] }

const hex = (n: number) => `0x${n.toString(16)}`
const hash32 = (tag: string, n: number) => `0x${createHash('sha256').update(`${tag}:${n}`).digest('hex')}`

export async function startFakeNode(opts: { txPerBlock: number; blockMs: number }): Promise<FakeNode> {
  const blocks: Block[] = []
  const byHash = new Map<string, Block>()
  const txIndex = new Map<string, { block: Block; index: number }>()
  let nextTx = 0
  const seal = () => {
    const number = (blocks.at(-1)?.number ?? -1) + 1
    const block: Block = {
      number,
      hash: hash32('block', number),
      timestamp: Math.floor(Date.now() / 1000),
      txs: Array.from({ length: number === 0 ? 0 : opts.txPerBlock }, () => hash32('tx', nextTx++)),
    }
    blocks.push(block)
    byHash.set(block.hash, block)
    for (const [index, h] of block.txs.entries()) txIndex.set(h, { block, index })
    while (blocks.length > 400) {
      const old = blocks.shift()!
      byHash.delete(old.hash)
      for (const h of old.txs) txIndex.delete(h)
    }
    return block
  }
  const txJSON = (h: string) => {
    const at = txIndex.get(h)
    if (!at) return null
    return {
      hash: h,
      blockNumber: hex(at.block.number),
      blockHash: at.block.hash,
      transactionIndex: hex(at.index),
      from: `0x${h.slice(2, 42)}`,
      to: `0x${h.slice(26, 66)}`,
      value: '0x1',
      gas: '0x5208',
      input: '0x',
      nonce: hex(at.index),
      type: '0x2',
    }
  }
  const blockJSON = (b: Block | undefined, full: boolean) =>
    b
      ? {
          number: hex(b.number),
          hash: b.hash,
          parentHash: blocks.find((p) => p.number === b.number - 1)?.hash ?? `0x${'0'.repeat(64)}`,
          timestamp: hex(b.timestamp),
          gasUsed: hex(21_000 * b.txs.length),
          gasLimit: hex(1_000_000_000),
          transactions: full ? b.txs.map(txJSON) : b.txs,
        }
      : null
  const answer = (method: string, params: unknown[]): unknown => {
    const head = blocks.at(-1)!
    switch (method) {
      case 'eth_blockNumber':
        return hex(head.number)
      case 'eth_chainId':
        return '0x2329'
      case 'eth_getBlockByNumber': {
        const tag = params[0]
        const b = tag === 'latest' ? head : blocks.find((x) => x.number === Number(tag))
        return blockJSON(b, params[1] === true)
      }
      case 'eth_getBlockByHash':
        return blockJSON(byHash.get(String(params[0])), params[1] === true)
      case 'eth_getTransactionByHash':
        return txJSON(String(params[0]))
      case 'mesh_nodeInfo':
        return { peers: [], mempool: { pending: 0 } }
      default:
        return [] // mesh_getSettlements, mesh_getMessages, mesh_getInbox: nothing in flight
    }
  }
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' }
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST, OPTIONS' })
      return res.end()
    }
    let body = ''
    req.on('data', (d: Buffer) => {
      body += d
    })
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: number; method: string; params?: unknown[] }
      const one = (r: typeof parsed) => ({
        jsonrpc: '2.0',
        id: r.id,
        result: answer(r.method, r.params ?? []),
      })
      const out = JSON.stringify(Array.isArray(parsed) ? parsed.map(one) : one(parsed))
      res.writeHead(200, { ...cors, 'content-type': 'application/json' })
      res.end(out)
    })
  }
  // newHeads over a minimal server-side WebSocket: handshake, then unmasked text frames (the page's one
  // eth_subscribe request is not read; every client gets every head)
  const sockets = new Set<Socket>()
  const frame = (text: string) => {
    const payload = Buffer.from(text)
    const len = payload.length
    const header =
      len < 126
        ? Buffer.from([0x81, len])
        : len < 65_536
          ? Buffer.from([0x81, 126, len >> 8, len & 0xff])
          : Buffer.concat([
              Buffer.from([0x81, 127, 0, 0, 0, 0]),
              Buffer.from([len >>> 24, (len >> 16) & 255, (len >> 8) & 255, len & 255]),
            ])
    return Buffer.concat([header, payload])
  }
  const server = createServer(handle)
  server.on('upgrade', (req, socket: Socket) => {
    const key = String(req.headers['sec-websocket-key'] ?? '')
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    )
    sockets.add(socket)
    socket.on('data', () => undefined)
    socket.on('error', () => sockets.delete(socket))
    socket.on('close', () => sockets.delete(socket))
  })
  seal()
  const timer = setInterval(() => {
    const b = seal()
    const head = { number: hex(b.number), hash: b.hash, timestamp: hex(b.timestamp), gasUsed: '0x0' }
    const msg = frame(
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'eth_subscription',
        params: { subscription: '0x1', result: head },
      }),
    )
    for (const s of sockets) s.write(msg)
  }, opts.blockMs)
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()))
  const port = (server.address() as AddressInfo).port
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    blocks: () => blocks.at(-1)?.number ?? 0,
    stop: () =>
      new Promise<void>((ok) => {
        clearInterval(timer)
        for (const s of sockets) s.destroy()
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}
