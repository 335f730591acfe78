import { dataDir, fromAccount } from '../../options/common.js'
import { option, type Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'
import { bool, num, text } from '../../options/values.js'

/** `mesh bridge`'s options, declared once (flag, help, env MESH_*, config key, validation). */
export const bridgeOptions = {
  to: option({ flag: '--to <network>', description: 'destination SPN (spn2, …)', type: text }),
  from: option({ flag: '--from <network>', description: 'source SPN', type: text, default: 'spn1' }),
  value: option({
    flag: '--value <amount>',
    description: 'value to send: wei, or 1ether, 0.5eth, 100gwei',
    type: text,
    default: '0',
  }),
  toAddress: option({
    flag: '--to-address <address>',
    description: 'recipient on the destination',
    type: text.optional(),
    defaultText: 'the sender',
  }),
  data: option({
    flag: '--data <hex>',
    description: 'data passed to the recipient',
    type: text,
    default: '0x',
  }),
  fromAccount: fromAccount('--from-account <account>'),
  wait: option({
    flag: '--no-wait',
    description: 'return once the source transaction is mined',
    type: bool,
    default: true,
  }),
  timeout: option({
    flag: '--timeout <s>',
    description: 'seconds to wait for settlement and delivery',
    type: num(1, 3600),
    default: 120,
  }),
  dataDir,
}
export type BridgeOptions = Parsed<typeof bridgeOptions & typeof globalOptions>
