/** Pure formatting helpers of the explorer's pages (unit-tested in node). */

/** A JSON-RPC quantity (`0x2a`) or number as a JS number (0 for null/undefined). */
export function hexToNum(v: string | number | null | undefined): number {
  if (v === null || v === undefined) return 0
  return typeof v === 'number' ? v : Number.parseInt(v, 16)
}

/** `0x1234…cdef`: a hash or address shortened to its first and last `n` hex digits. */
export function shortHash(h: string | null | undefined, n = 6): string {
  if (!h) return '-'
  return h.length <= 2 + 2 * n + 1 ? h : `${h.slice(0, 2 + n)}…${h.slice(-n)}`
}

/** A duration for people: `850 ms`, `2.4 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
  const s = Math.round(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  const m = Math.round(s / 60)
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`
}

/** A wei amount (hex quantity, bigint or decimal string) in ETH, trimmed to at most 6 decimals: `1.5 ETH`. */
export function formatEther(wei: string | bigint): string {
  const v = typeof wei === 'bigint' ? wei : BigInt(wei)
  const neg = v < 0n
  const abs = neg ? -v : v
  const whole = abs / 10n ** 18n
  const frac = (abs % 10n ** 18n).toString().padStart(18, '0').slice(0, 6).replace(/0+$/, '')
  return `${neg ? '-' : ''}${whole.toLocaleString('en-US')}${frac ? `.${frac}` : ''} ETH`
}

/** Which VM runs an account's code: `wasm` for a module (`\0asm`), `evm` for other code, `none` without code. */
export function vmOfCode(code: string | null | undefined): 'evm' | 'wasm' | 'none' {
  if (!code || code === '0x') return 'none'
  return code.toLowerCase().startsWith('0x0061736d') ? 'wasm' : 'evm'
}

/** A Unix time in seconds as `HH:MM:SS` (UTC). */
export function formatClock(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(11, 19)
}
