import { doctor } from './doctor/index.js'
import type { CliCommand } from './types.js'

/** Every `mesh` sub-command, in the order --help lists them. */
export const commands: CliCommand[] = [doctor]
