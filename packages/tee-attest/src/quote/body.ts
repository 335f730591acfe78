import { QuoteFormatError, UnsupportedQuoteError } from '../errors.js'
import { QUOTE_BODY_SIZE, QUOTE_BODY_TYPE, TEE_TYPE } from '../layout.js'
import type { Reader } from './reader.js'
import {
  encodeSgxReport,
  encodeTd15Report,
  encodeTdReport,
  readStruct,
  SGX_REPORT_FIELDS,
  TD_REPORT_FIELDS,
  TD15_REPORT_FIELDS,
} from './report.js'
import type { QuoteBody, QuoteHeader, SgxReportBody, Td15ReportBody, TdReportBody } from './types.js'
import type { Writer } from './writer.js'

/**
 * The quote body and, in v5, the body descriptor before it (Intel TDX DCAP Quote Generation Library,
 * quote format v5: body type u16 — 1 SGX report, 2 TDX 1.0 TD report, 3 TDX 1.5 TD report — then body
 * size u32, then the body). v3/v4 carry no descriptor: the header's TEE type says which report follows.
 */

const BODY_KIND_OF_TYPE = {
  [QUOTE_BODY_TYPE.sgx]: 'sgx',
  [QUOTE_BODY_TYPE.td10]: 'tdx',
  [QUOTE_BODY_TYPE.td15]: 'tdx15',
} as const

/** The v5 descriptor body type of a body kind. */
export function quoteBodyType(kind: QuoteBody['type']): number {
  return kind === 'sgx' ? QUOTE_BODY_TYPE.sgx : kind === 'tdx' ? QUOTE_BODY_TYPE.td10 : QUOTE_BODY_TYPE.td15
}

function expectedBodyTypes(teeType: number): string {
  return teeType === TEE_TYPE.tdx
    ? `${QUOTE_BODY_TYPE.td10} (TDX 1.0 TD report) or ${QUOTE_BODY_TYPE.td15} (TDX 1.5 TD report) for header.teeType 0x81 (TDX)`
    : `${QUOTE_BODY_TYPE.sgx} (SGX report) for header.teeType 0 (SGX)`
}

function bodyFitsTee(kind: QuoteBody['type'], teeType: number): boolean {
  return (kind === 'sgx') === (teeType === TEE_TYPE.sgx)
}

/** Reads the body (v5: descriptor, then body) after a checked header; errors name the field. */
export function readQuoteBody(r: Reader, header: QuoteHeader): QuoteBody {
  let kind: QuoteBody['type'] = header.teeType === TEE_TYPE.tdx ? 'tdx' : 'sgx'
  if (header.version === 5) {
    const type = r.u16('bodyDescriptor.type')
    const size = r.u32('bodyDescriptor.size')
    const known = BODY_KIND_OF_TYPE[type as keyof typeof BODY_KIND_OF_TYPE]
    if (!known) {
      throw new UnsupportedQuoteError({
        field: 'bodyDescriptor.type',
        expected: `${QUOTE_BODY_TYPE.sgx} (SGX report), ${QUOTE_BODY_TYPE.td10} (TDX 1.0 TD report) or ${QUOTE_BODY_TYPE.td15} (TDX 1.5 TD report)`,
        got: type,
      })
    }
    if (!bodyFitsTee(known, header.teeType)) {
      throw new QuoteFormatError({
        field: 'bodyDescriptor.type',
        expected: expectedBodyTypes(header.teeType),
        got: String(type),
      })
    }
    if (size !== QUOTE_BODY_SIZE[type]) {
      throw new QuoteFormatError({
        field: 'bodyDescriptor.size',
        expected: `${QUOTE_BODY_SIZE[type]} bytes for body type ${type}`,
        got: `${size} bytes`,
      })
    }
    kind = known
  }
  switch (kind) {
    case 'sgx':
      return { type: 'sgx', report: readStruct<SgxReportBody>(r, SGX_REPORT_FIELDS, 'body') }
    case 'tdx':
      return { type: 'tdx', report: readStruct<TdReportBody>(r, TD_REPORT_FIELDS, 'body') }
    case 'tdx15':
      return { type: 'tdx15', report: readStruct<Td15ReportBody>(r, TD15_REPORT_FIELDS, 'body') }
  }
}

/** Writes the body (v5: descriptor first) after checking it fits the header's version and TEE type. */
export function writeQuoteBody(w: Writer, header: QuoteHeader, body: QuoteBody): Writer {
  if (!bodyFitsTee(body.type, header.teeType)) {
    throw new QuoteFormatError({
      field: 'body',
      expected: `a ${header.teeType === TEE_TYPE.tdx ? 'TD' : 'SGX'} report for header.teeType ${header.teeType}`,
      got: `a ${body.type} report`,
    })
  }
  if (body.type === 'tdx15' && header.version !== 5) {
    throw new QuoteFormatError({
      field: 'body',
      expected: `a TDX 1.0 TD report for header.version ${header.version} (TDX 1.5 bodies need version 5)`,
      got: 'a tdx15 report',
    })
  }
  const bytes =
    body.type === 'sgx'
      ? encodeSgxReport(body.report, 'body')
      : body.type === 'tdx'
        ? encodeTdReport(body.report, 'body')
        : encodeTd15Report(body.report, 'body')
  if (header.version === 5) {
    w.uint(quoteBodyType(body.type), 2, 'bodyDescriptor.type')
    w.uint(bytes.length, 4, 'bodyDescriptor.size')
  }
  return w.raw(bytes)
}
