/**
 * A JSON-RPC sink for rpc-abuse's control run (`MESH_SOAK_ABUSE_TARGET=sink`): every HTTP body and
 * WebSocket message, read whole, gets one fixed JSON-RPC error. The flood goes here while the valid traffic
 * goes to the node, so the drop that is left is what the flood generator's own CPU costs the valid sender
 * on a shared machine. `node sinkServer.ts` prints `{"event":"ready","rpcUrl":…,"wsUrl":…}`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

const MAX_BODY = 16 * 1024 * 1024
const answer = '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"sink"}}'

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end()
    req.resume()
    return
  }
  req.on('data', () => undefined)
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length })
    res.end(answer)
  })
  req.on('error', () => undefined)
})
const wss = new WebSocketServer({ server, maxPayload: MAX_BODY })
wss.on('connection', (ws) => {
  ws.on('message', () => ws.send(answer))
  ws.on('error', () => undefined)
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', rpcUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` })}\n`,
  )
})
