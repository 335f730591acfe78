/** Constants of the WebAssembly binary format (value types, section ids and their order) and the shapes our reader returns. */

export const TYPE_I32 = 0x7f
export const TYPE_I64 = 0x7e
export const TYPE_F32 = 0x7d
export const TYPE_F64 = 0x7c
export const TYPE_V128 = 0x7b
export const TYPE_FUNCREF = 0x70
export const TYPE_EXTERNREF = 0x6f

export const VALUE_TYPE_NAMES: Record<number, string> = {
  [TYPE_I32]: 'i32',
  [TYPE_I64]: 'i64',
  [TYPE_F32]: 'f32',
  [TYPE_F64]: 'f64',
  [TYPE_V128]: 'v128',
  [TYPE_FUNCREF]: 'funcref',
  [TYPE_EXTERNREF]: 'externref',
}

export const SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
]
/** The order non-custom sections must appear in (datacount sits between element and code). */
export const SECTION_ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 7,
  8: 8,
  9: 9,
  12: 10,
  10: 11,
  11: 12,
}

export type FuncType = { params: number[]; results: number[] }
export type Section = { id: number; start: number; contentStart: number; end: number }
