import type { JSONRPCResponse } from './dispatch.js'

/**
 * A result that arrives already serialized (a read worker's answer): spliced into the response as is, so
 * the main thread neither parses nor re-serializes it. `json` is the result's JSON text, or its UTF-8 bytes
 * (a read worker's memoized block, in shared memory: handed over without a copy and written to the socket
 * without re-encoding).
 */
export class SerializedResult {
  constructor(readonly json: string | Uint8Array) {}
}

const decoder = new TextDecoder()

/** One response as chunks: its text, or the text around a result that is bytes. */
function oneChunks(r: JSONRPCResponse, out: (string | Uint8Array)[]): void {
  if ('result' in r && r.result instanceof SerializedResult) {
    out.push(`{"jsonrpc":"2.0","id":${JSON.stringify(r.id)},"result":`, r.result.json, '}')
    return
  }
  out.push(JSON.stringify(r))
}

/**
 * The body of a response or a batch of responses as chunks to write in order: `JSON.stringify`'s text,
 * byte for byte, with serialized results spliced in (`{"jsonrpc":"2.0","id":…,"result":…}`, the key order
 * `dispatchRPC` builds). Adjacent text is joined, so an answer without byte results is one string.
 *
 * @example
 * ```ts
 * responseChunks({ jsonrpc: '2.0', id: 1, result: new SerializedResult(new TextEncoder().encode('{"a":1}')) })
 * // ['{"jsonrpc":"2.0","id":1,"result":', Uint8Array(7), '}']
 * ```
 */
export function responseChunks(out: JSONRPCResponse | JSONRPCResponse[]): (string | Uint8Array)[] {
  const parts: (string | Uint8Array)[] = []
  if (Array.isArray(out)) {
    parts.push('[')
    out.forEach((r, i) => {
      if (i > 0) parts.push(',')
      oneChunks(r, parts)
    })
    parts.push(']')
  } else oneChunks(out, parts)
  const joined: (string | Uint8Array)[] = []
  let text = ''
  for (const p of parts) {
    if (typeof p === 'string') text += p
    else {
      joined.push(text, p)
      text = ''
    }
  }
  joined.push(text)
  return joined.filter((p) => typeof p !== 'string' || p.length > 0)
}

/**
 * The text of a response or a batch of responses (`responseChunks` joined; byte results decoded).
 *
 * @example
 * ```ts
 * responseText({ jsonrpc: '2.0', id: 1, result: new SerializedResult('{"a":1}') }) // '{"jsonrpc":"2.0","id":1,"result":{"a":1}}'
 * ```
 */
export function responseText(out: JSONRPCResponse | JSONRPCResponse[]): string {
  return responseChunks(out)
    .map((p) => (typeof p === 'string' ? p : decoder.decode(p)))
    .join('')
}
