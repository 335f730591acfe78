import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NodeMetrics } from './nodeMetrics.js'

/** Prometheus' text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Whether a request asks for the metrics: `GET /metrics` (a query string is ignored). */
export function isMetricsRequest(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?') === true)
}

/** Answers a scrape with every metric of the node's registry. */
export function serveMetrics(metrics: NodeMetrics, res: ServerResponse): void {
  metrics.scrape().then(
    (text) => {
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) })
      res.end(text)
    },
    () => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end('metrics unavailable\n')
    },
  )
}
