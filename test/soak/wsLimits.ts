import WebSocket from 'ws'

/**
 * Opens WebSocket connections until the server refuses one (the per-client limit), and subscribes on one
 * connection until subscriptions are refused: both must end in a refusal, never in the node failing.
 */
export async function probeLimits(
  wsUrl: string,
): Promise<{ figures: Record<string, number>; failures: string[] }> {
  const failures: string[] = []
  const open: WebSocket[] = []
  let refusedAt = 0
  for (let i = 0; i < 400 && !refusedAt; i++) {
    const ws = new WebSocket(wsUrl)
    const ok = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true))
      ws.once('error', () => resolve(false))
      ws.once('unexpected-response', (_req, res) => {
        resolve(false)
        res.resume()
      })
    })
    ws.on('error', () => undefined)
    if (ok) open.push(ws)
    else refusedAt = i + 1
  }
  if (!refusedAt)
    failures.push('400 WebSocket connections from one client were all accepted (no per-client limit)')
  const first = open[0]
  let subscribed = 0
  let refusedSubs = false
  if (first) {
    const batch = Array.from({ length: 1_500 }, (_, i) => ({
      jsonrpc: '2.0',
      id: i,
      method: 'eth_subscribe',
      params: ['newHeads'],
    }))
    const answer = await new Promise<unknown>((resolve) => {
      const t = setTimeout(() => resolve(undefined), 15_000)
      first.on('message', (d) => {
        const text = d.toString()
        if (text.startsWith('[')) {
          clearTimeout(t)
          resolve(JSON.parse(text))
        }
      })
      first.send(JSON.stringify(batch))
    })
    if (Array.isArray(answer)) {
      subscribed = answer.filter((a: { result?: unknown }) => a.result !== undefined).length
      refusedSubs = answer.some((a: { error?: unknown }) => a.error !== undefined)
    }
    if (!refusedSubs)
      failures.push(
        `1,500 subscriptions on one connection were all accepted (${subscribed}): no per-connection limit`,
      )
  }
  for (const ws of open) ws.terminate()
  return { figures: { 'ws conns accepted': open.length, 'subs accepted': subscribed }, failures }
}
