/** Output helpers: human text by default, one JSON document with `--json`. */
export type Out = {
  json: boolean
  /** Human line (skipped in --json mode). */
  line(text?: string): void
  /** The machine result (printed only in --json mode). */
  result(value: unknown): void
  /** Progress on stderr (human mode only), so stdout stays clean. */
  progress(text: string): void
}

export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

export function createOut(json: boolean | undefined): Out {
  const isJson = json === true
  return {
    json: isJson,
    line(text = '') {
      if (!isJson) process.stdout.write(`${text}\n`)
    },
    result(value) {
      if (isJson) process.stdout.write(`${JSON.stringify(value, jsonReplacer)}\n`)
    },
    progress(text) {
      if (!isJson) process.stderr.write(`${text}\n`)
    },
  }
}

/** A plain text table with padded columns. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n')
}

export function formatAge(ms: number): string {
  if (ms < 0) return '0s'
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`
  return `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`
}
