import type { Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'

/** `mesh doctor` has the global options only. */
export const doctorOptions = {}
export type DoctorOptions = Parsed<typeof doctorOptions & typeof globalOptions>
