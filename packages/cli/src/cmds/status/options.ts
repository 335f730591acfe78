import { dataDir } from '../../options/common.js'
import type { Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'

/** `mesh status`'s options, declared once. */
export const statusOptions = { dataDir }
export type StatusOptions = Parsed<typeof statusOptions & typeof globalOptions>
