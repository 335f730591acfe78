import { BrowserShimError } from './shimError.js'

/** One DER element: its tag, the whole encoding and its contents. */
export type DerNode = { tag: number; whole: Uint8Array; body: Uint8Array }

/** Reads the DER element at `at`; throws `BROWSER_DER` on truncated or indefinite-length input. */
export function readDer(bytes: Uint8Array, at = 0): DerNode {
  const bad = (what: string) => new BrowserShimError(`DER: ${what} at byte ${at}`, 'BROWSER_DER')
  if (at + 2 > bytes.length) throw bad('truncated header')
  const tag = bytes[at]!
  let len = bytes[at + 1]!
  let head = 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || at + 2 + n > bytes.length) throw bad('bad length')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + bytes[at + 2 + i]!
    head += n
  }
  if (at + head + len > bytes.length) throw bad('truncated contents')
  return {
    tag,
    whole: bytes.subarray(at, at + head + len),
    body: bytes.subarray(at + head, at + head + len),
  }
}

/** The elements of a constructed element's contents, in order. */
export function derChildren(node: DerNode): DerNode[] {
  const out: DerNode[] = []
  let at = 0
  while (at < node.body.length) {
    const child = readDer(node.body, at)
    out.push(child)
    at += child.whole.length
  }
  return out
}

/** An OBJECT IDENTIFIER's dotted form. */
export function derOid(node: DerNode): string {
  const b = node.body
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40]
  let v = 0
  for (const byte of b.subarray(1)) {
    v = v * 128 + (byte & 0x7f)
    if (!(byte & 0x80)) {
      parts.push(v)
      v = 0
    }
  }
  return parts.join('.')
}

/** A UTCTime or GeneralizedTime as a Date. */
export function derTime(node: DerNode): Date {
  const s = new TextDecoder().decode(node.body)
  const full = node.tag === 0x17 ? `${Number(s.slice(0, 2)) >= 50 ? '19' : '20'}${s}` : s
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(full)
  if (!m) throw new BrowserShimError(`DER: time "${s}" is not YYMMDDhhmmssZ`, 'BROWSER_DER')
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!))
}
