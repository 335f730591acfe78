/** The media types a JSON-RPC body may declare (geth's list). */
export const JSON_CONTENT_TYPES: readonly string[] = [
  'application/json',
  'application/json-rpc',
  'application/jsonrequest',
]

/**
 * Whether a `content-type` header declares a JSON body (parameters such as `charset` allowed). Anything
 * else, and no header at all, is refused: `text/plain`, form encodings and a typeless body are what a
 * web page may send to any site without a CORS preflight.
 *
 * @example
 * ```ts
 * import { isJSONContentType } from '@rollup-mesh/chain'
 *
 * isJSONContentType('application/json; charset=utf-8') // true
 * isJSONContentType('text/plain;charset=UTF-8') // false
 * isJSONContentType(undefined) // false
 * ```
 */
export function isJSONContentType(header: string | undefined): boolean {
  if (header === undefined) return false
  const type = header.split(';')[0]!.trim().toLowerCase()
  return JSON_CONTENT_TYPES.includes(type)
}
