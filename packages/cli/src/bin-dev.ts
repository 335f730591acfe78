// Runs `mesh` from TypeScript source (tests, development):
//   node --import tsx --conditions source packages/cli/src/bin-dev.ts <command>
// Nodes that `mesh up` spawns run the same way (it re-uses this process's flags).
import '@rollup-mesh/core/polyfill'
import { main } from './main.js'

process.exit(await main(process.argv))
