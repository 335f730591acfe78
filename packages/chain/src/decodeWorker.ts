import { parentPort } from 'node:worker_threads'
import type { Hex } from 'viem'
import { TxRejectedError } from './errors.js'
import { decodeSignedTx } from './tx.js'

/** Worker side of `TxDecoderPool`: decodes and recovers batches of raw transactions. */
export type DecodeRequest = { id: number; chainId: bigint; raws: Hex[] }
export type DecodeResponse = {
  id: number
  results: (
    | { ok: Awaited<ReturnType<typeof decodeSignedTx>> }
    | { reason: TxRejectedError['reason']; message: string }
  )[]
}

parentPort?.on('message', async (req: DecodeRequest) => {
  const results: DecodeResponse['results'] = []
  for (const raw of req.raws) {
    try {
      results.push({ ok: await decodeSignedTx(raw, req.chainId) })
    } catch (err) {
      if (err instanceof TxRejectedError) results.push({ reason: err.reason, message: err.shortMessage })
      else
        results.push({
          reason: 'INVALID_ENCODING',
          message: `invalid transaction: ${(err as Error).message}`,
        })
    }
  }
  parentPort?.postMessage({ id: req.id, results } satisfies DecodeResponse)
})
