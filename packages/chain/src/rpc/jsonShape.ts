/** What a scan of a request's bytes found over the limits, before any parse. */
export type JSONShapeRefusal = { tooDeep: true } | { batchTooLarge: number }
/** What a scan of a request's bytes found: over a limit, or how many requests it holds (1 unless a batch). */
export type JSONShape = JSONShapeRefusal | { requests: number }

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const COMMA = 0x2c

/** The index of the quote that closes the string opened at `open` (escapes skipped), or -1. */
function stringEnd(bytes: Uint8Array, open: number): number {
  let at = open
  for (;;) {
    at = bytes.indexOf(QUOTE, at + 1)
    if (at < 0) return -1
    let slashes = 0
    while (bytes[at - 1 - slashes] === BACKSLASH) slashes++
    if (slashes % 2 === 0) return at
  }
}

/**
 * Refuses a request's bytes (an HTTP body or a WebSocket message) over the nesting-depth or batch-length
 * limit without parsing them: one pass that jumps over string contents (`indexOf` of the next quote),
 * counts the depth of arrays and objects (the envelope counts, as in `nestedDeeperThan`) and the top-level
 * elements of a batch. A hostile 200,000-deep body or a 5,000-request batch then costs this scan
 * (~1 ms a MiB) instead of `JSON.parse` and a walk of what it built (tens of ms on the block thread).
 * `{ requests }`: within the limits as far as the bytes show (they may still be invalid JSON; the parse
 * says), with the batch's length (1 for a single request), which tells the server a long batch
 * (`heavyLane.ts`). Invalid JSON that is also over a limit is refused for the limit.
 *
 * @example
 * ```ts
 * scanJSONShape(Buffer.from('[[[1]]]'), { maxDepth: 2, maxBatchSize: 10 }) // { tooDeep: true }
 * scanJSONShape(Buffer.from('[1,2,3]'), { maxDepth: 64, maxBatchSize: 2 }) // { batchTooLarge: 3 }
 * scanJSONShape(Buffer.from('[1,2,3]'), { maxDepth: 64, maxBatchSize: 5 }) // { requests: 3 }
 * scanJSONShape(Buffer.from('{"a":"[[["}'), { maxDepth: 1, maxBatchSize: 2 }) // { requests: 1 }
 * ```
 */
export function scanJSONShape(
  bytes: Uint8Array,
  limits: { maxDepth: number; maxBatchSize: number },
): JSONShape {
  let depth = 0
  let batch = false
  let elements = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === QUOTE) {
      if (batch && depth === 1 && elements === 0) elements = 1
      const end = stringEnd(bytes, i)
      if (end < 0) return { requests: batch ? elements : 1 }
      i = end
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (depth === 0 && !batch && b === OPEN_ARRAY && elements === 0) batch = true
      else if (batch && depth === 1 && elements === 0) elements = 1
      if (++depth > limits.maxDepth) return { tooDeep: true }
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth--
    } else if (batch && depth === 1) {
      if (b === COMMA) elements++
      else if (elements === 0 && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) elements = 1
    }
  }
  if (!batch) return { requests: 1 }
  return elements > limits.maxBatchSize ? { batchTooLarge: elements } : { requests: elements }
}

/** The refusal in a scan's result, if any. */
export const shapeRefusal = (shape: JSONShape): JSONShapeRefusal | undefined =>
  'requests' in shape ? undefined : shape
