import { arg, option, type Parsed } from '../../options/declare.js'
import { globalOptions } from '../../options/globals.js'
import { bool, text } from '../../options/values.js'

/** `mesh compile`'s argument and options, declared once. */
export const compileOptions = {
  file: arg({ syntax: '<file>', description: 'a .sol or .ts contract', type: text }),
  abi: option({ flag: '--no-abi', description: 'do not write the ABI file', type: bool, default: true }),
  json: { ...globalOptions.json, description: 'print one JSON object (ABI and bytecode included)' },
}
export type CompileOptions = Parsed<typeof compileOptions & typeof globalOptions>
