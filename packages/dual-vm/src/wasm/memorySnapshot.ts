/** Memory contents: `data`, then zeros up to `byteLength`. */
export type MemorySnapshot = { data: Uint8Array; byteLength: number }

/** A snapshot of `bytes`, trimmed after its last non-zero byte (zero-filling is cheaper than copying). */
export function snapshotOf(bytes: Uint8Array): MemorySnapshot {
  let end = bytes.length
  while (end > 0 && bytes[end - 1] === 0) end--
  return { data: bytes.slice(0, end), byteLength: bytes.length }
}
