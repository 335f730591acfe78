import { resolve } from 'node:path'
import { describeDocExamples } from '../../../../test/helpers/docExamples.js'

describeDocExamples({
  src: resolve(import.meta.dirname, '../../src'),
  out: resolve(import.meta.dirname, '../.doc-examples'),
  entryPoints: ['ExitTree', 'exitLeafHash', 'proveSettlement', 'verifySettlement'],
})
