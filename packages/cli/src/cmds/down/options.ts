import { dataDir } from '../../options/common.js'
import type { Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'

/** `mesh down`'s options, declared once. */
export const downOptions = { dataDir }
export type DownOptions = Parsed<typeof downOptions & typeof globalOptions>
