/** A header as `eth_subscribe newHeads` pushes it (the fields the network page shows). */
export type Head = { number: string; hash: string; timestamp: string; gasUsed: string }

/**
 * Subscribes to a node's `newHeads` over its WebSocket; reconnects after a drop. Returns the function that
 * closes it.
 *
 * @example
 * const close = subscribeNewHeads('ws://127.0.0.1:8545', (h) => console.log(Number(h.number)))
 */
export function subscribeNewHeads(
  wsUrl: string,
  onHead: (head: Head) => void,
  onState?: (state: 'open' | 'closed') => void,
): () => void {
  let closed = false
  let ws: WebSocket | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  const connect = () => {
    ws = new WebSocket(wsUrl)
    ws.onopen = () => {
      onState?.('open')
      ws?.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }))
    }
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as { method?: string; params?: { result?: Head } }
      if (msg.method === 'eth_subscription' && msg.params?.result) onHead(msg.params.result)
    }
    ws.onclose = () => {
      onState?.('closed')
      if (!closed) retry = setTimeout(connect, 2000)
    }
  }
  connect()
  return () => {
    closed = true
    if (retry) clearTimeout(retry)
    ws?.close()
  }
}
