import { parentPort } from 'node:worker_threads'
import type { Hex } from 'viem'
import { type DecodeOutcome, decodeOutcome } from './decodeOutcome.js'
import { type IngressBody, parseIngressBody } from './rpc/ingressParse.js'

/**
 * Worker side of `TxDecoderPool`: decodes and recovers batches of raw transactions, and parses RPC request
 * bodies whose `eth_sendRawTransaction` transactions it decodes too (the RPC ingress).
 */
export type DecodeRequest =
  | { kind: 'raws'; id: number; chainId: bigint; raws: Hex[] }
  | { kind: 'body'; id: number; chainId: bigint; body: Uint8Array; maxDepth: number; maxBatchSize: number }
export type DecodeResponse = { id: number; results: DecodeOutcome[] } | { id: number; body: IngressBody }

parentPort?.on('message', async (req: DecodeRequest) => {
  if (req.kind === 'body') {
    const body = await parseIngressBody(req.body, req.chainId, req)
    parentPort?.postMessage({ id: req.id, body } satisfies DecodeResponse)
    return
  }
  const results: DecodeOutcome[] = []
  for (const raw of req.raws) results.push(await decodeOutcome(raw, req.chainId))
  parentPort?.postMessage({ id: req.id, results } satisfies DecodeResponse)
})
