import { dataDir } from '../../options/common.js'
import { arg, option, type Parsed } from '../../options/declare.js'
import { globalOptions } from '../../options/globals.js'
import { bool, num, text } from '../../options/values.js'

/** `mesh logs`'s argument and options, declared once. */
export const logsOptions = {
  network: arg({ syntax: '<network>', description: 'network name (spn1, spn2, …)', type: text }),
  follow: option({
    flag: '-f, --follow',
    description: 'keep printing new lines',
    type: bool,
    default: false,
  }),
  lines: option({
    flag: '--lines <n>',
    description: 'how many past lines to print',
    type: num(0, 1_000_000),
    default: 50,
  }),
  dataDir,
  json: { ...globalOptions.json, description: 'print the raw JSON log lines' },
}
export type LogsOptions = Parsed<typeof logsOptions & typeof globalOptions>
