import { dataDir } from '../../options/common.js'
import type { Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'

/** `mesh doctor`'s options: the global ones and the data dir whose nodes' `chain.db` files it checks. */
export const doctorOptions = { dataDir }
export type DoctorOptions = Parsed<typeof doctorOptions & typeof globalOptions>
