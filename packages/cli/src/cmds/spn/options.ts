import { dataDir } from '../../options/common.js'
import { option, type Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'
import { num, oneOf } from '../../options/values.js'

/** `mesh spn add`'s options, declared once. */
export const spnAddOptions = {
  dataDir,
  vm: option({
    flag: '--vm <vm>',
    description: 'the VM the SPN is meant for (both VMs always run)',
    type: oneOf(['evm', 'wasm']).optional(),
  }),
  blockTime: option({
    flag: '--block-time <ms>',
    description: 'block time in ms',
    type: num(10, 60_000).optional(),
    defaultText: '500',
  }),
  settleInterval: option({
    flag: '--settle-interval <ms>',
    description: 'how often it settles to the main net',
    type: num(100, 3_600_000).optional(),
    defaultText: '2000',
  }),
}
export type SpnAddOptions = Parsed<typeof spnAddOptions & typeof globalOptions>
