export { commands } from './cmds/index.js'
export type { CliCommand, GlobalOptions } from './cmds/types.js'
export { main } from './main.js'
export { createProgram, VERSION } from './program.js'
