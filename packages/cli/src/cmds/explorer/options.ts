import { dataDir } from '../../options/common.js'
import type { Parsed } from '../../options/declare.js'
import { option } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'
import { bool, num } from '../../options/values.js'

/** `mesh explorer`'s options, declared once. */
export const explorerOptions = {
  dataDir,
  port: option({
    flag: '-p, --port <port>',
    description:
      'port on 127.0.0.1 (the nodes accept the page only from the port `mesh up` chose, or gave with --explorer-port)',
    type: num(0, 65_535).optional(),
    defaultText: "the mesh's explorer port",
  }),
  open: option({
    flag: '--open',
    description: 'open the page in the default browser',
    type: bool,
    default: false,
  }),
}
export type ExplorerOptions = Parsed<typeof explorerOptions & typeof globalOptions>
