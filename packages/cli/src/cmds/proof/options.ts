import { dataDir, network } from '../../options/common.js'
import { arg, option, type Parsed } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'
import { num, text } from '../../options/values.js'

/** `mesh proof export`'s argument and options, declared once. */
export const proofExportOptions = {
  message: arg({
    syntax: '<message>',
    description: 'the source transaction hash, or spnN:position (exit-tree position)',
    type: text,
  }),
  network: {
    ...network,
    description: 'the source SPN of a transaction hash',
    defaultText: 'ask every SPN',
  },
  index: option({
    flag: '--index <i>',
    description: 'which message of a transaction that sent several (0-based)',
    type: num(0, 15).optional(),
  }),
  output: option({
    flag: '-o, --output <file>',
    description: 'where to write the bundle',
    type: text.optional(),
    defaultText: 'bundle-<spn>-<position>.json',
  }),
  dataDir,
}
export type ProofExportOptions = Parsed<typeof proofExportOptions & typeof globalOptions>

/** `mesh proof verify`'s argument and options, declared once. */
export const proofVerifyOptions = {
  file: arg({
    syntax: '<file>',
    description: 'the bundle JSON (what `mesh proof export` wrote)',
    type: text,
  }),
  validator: option({
    flag: '--validator <address>',
    description: 'pin the main-net validator',
    type: text.optional(),
    defaultText: "the bundle's, said so",
  }),
  validatorsHash: option({
    flag: '--validators-hash <0x…32 bytes>',
    description: "pin the main-net validator set by its hash (mesh_getValidators' validatorsHash)",
    type: text.optional(),
    defaultText: "the bundle's own set, said so",
  }),
}
export type ProofVerifyOptions = Parsed<typeof proofVerifyOptions & typeof globalOptions>
