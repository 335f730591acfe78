import type { JSONRPCResponse } from './dispatch.js'

/**
 * A result that arrives already serialized (a read worker's answer): spliced into the response text as
 * is, so the main thread neither parses nor re-serializes it.
 */
export class SerializedResult {
  constructor(readonly json: string) {}
}

function oneText(r: JSONRPCResponse): string {
  if ('result' in r && r.result instanceof SerializedResult)
    return `{"jsonrpc":"2.0","id":${JSON.stringify(r.id)},"result":${r.result.json}}`
  return JSON.stringify(r)
}

/**
 * The text of a response or a batch of responses: `JSON.stringify`'s, byte for byte, with serialized
 * results spliced in (`{"jsonrpc":"2.0","id":…,"result":…}`, the key order `dispatchRPC` builds).
 *
 * @example
 * ```ts
 * responseText({ jsonrpc: '2.0', id: 1, result: new SerializedResult('{"a":1}') }) // '{"jsonrpc":"2.0","id":1,"result":{"a":1}}'
 * ```
 */
export function responseText(out: JSONRPCResponse | JSONRPCResponse[]): string {
  return Array.isArray(out) ? `[${out.map(oneText).join(',')}]` : oneText(out)
}
