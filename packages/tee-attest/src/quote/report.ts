import { QuoteFormatError } from '../errors.js'
import { SGX_REPORT_BODY_SIZE, TD_REPORT_BODY_SIZE, TD15_REPORT_BODY_SIZE } from '../layout.js'
import { Reader } from './reader.js'
import type { SgxReportBody, Td15ReportBody, TdReportBody } from './types.js'
import { Writer } from './writer.js'

/** The SGX report body and TD (1.0 and 1.5) report body field tables (name, size in bytes), and their codec. */

type Field = [name: string, size: number]

export const SGX_REPORT_FIELDS: Field[] = [
  ['cpuSvn', 16],
  ['miscSelect', 4],
  ['reserved1', 28],
  ['attributes', 16],
  ['mrEnclave', 32],
  ['reserved2', 32],
  ['mrSigner', 32],
  ['reserved3', 96],
  ['isvProdId', 2],
  ['isvSvn', 2],
  ['reserved4', 60],
  ['reportData', 64],
]

export const TD_REPORT_FIELDS: Field[] = [
  ['teeTcbSvn', 16],
  ['mrSeam', 48],
  ['mrSignerSeam', 48],
  ['seamAttributes', 8],
  ['tdAttributes', 8],
  ['xfam', 8],
  ['mrTd', 48],
  ['mrConfigId', 48],
  ['mrOwner', 48],
  ['mrOwnerConfig', 48],
  ['rtmr0', 48],
  ['rtmr1', 48],
  ['rtmr2', 48],
  ['rtmr3', 48],
  ['reportData', 64],
]

/** TDX 1.5: the TDX 1.0 fields, then `tee_tcb_svn_2` and `mr_servicetd`. */
export const TD15_REPORT_FIELDS: Field[] = [...TD_REPORT_FIELDS, ['teeTcbSvn2', 16], ['mrServiceTd', 48]]

const INT_FIELDS = new Set(['miscSelect', 'isvProdId', 'isvSvn'])

export function readStruct<T>(r: Reader, fields: Field[], prefix: string): T {
  const out: Record<string, unknown> = {}
  for (const [name, size] of fields) {
    const field = `${prefix}.${name}`
    out[name] = INT_FIELDS.has(name) ? (size === 2 ? r.u16(field) : r.u32(field)) : r.take(size, field)
  }
  return out as T
}

function writeStruct(w: Writer, value: Record<string, unknown>, fields: Field[], prefix: string): void {
  for (const [name, size] of fields) {
    const field = `${prefix}.${name}`
    const v = value[name]
    if (INT_FIELDS.has(name)) w.uint(v as number, size as 2 | 4, field)
    else w.bytes(v as Uint8Array, size, field)
  }
}

/** Decodes a 384-byte SGX report body (a quote's body or a QE report). */
export function decodeSgxReport(bytes: Uint8Array, prefix = 'report'): SgxReportBody {
  const r = new Reader(bytes)
  const report = readStruct<SgxReportBody>(r, SGX_REPORT_FIELDS, prefix)
  if (r.remaining() !== 0) {
    throw new QuoteFormatError({
      field: prefix,
      expected: `${SGX_REPORT_BODY_SIZE} bytes`,
      got: `${bytes.length} bytes`,
    })
  }
  return report
}

export function encodeSgxReport(report: SgxReportBody, prefix = 'report'): Uint8Array {
  const w = new Writer()
  writeStruct(w, report, SGX_REPORT_FIELDS, prefix)
  return w.finish()
}

export function encodeTdReport(report: TdReportBody, prefix: string): Uint8Array {
  const w = new Writer()
  writeStruct(w, report, TD_REPORT_FIELDS, prefix)
  return w.finish()
}

export function encodeTd15Report(report: Td15ReportBody, prefix: string): Uint8Array {
  const w = new Writer()
  writeStruct(w, report, TD15_REPORT_FIELDS, prefix)
  return w.finish()
}

// Static size checks so a typo in the field tables fails at import, not at verify time.
const sum = (fields: Field[]) => fields.reduce((n, [, s]) => n + s, 0)
if (
  sum(SGX_REPORT_FIELDS) !== SGX_REPORT_BODY_SIZE ||
  sum(TD_REPORT_FIELDS) !== TD_REPORT_BODY_SIZE ||
  sum(TD15_REPORT_FIELDS) !== TD15_REPORT_BODY_SIZE
) {
  throw new QuoteFormatError({ field: 'layout', expected: 'DCAP report sizes', got: 'a broken field table' })
}
