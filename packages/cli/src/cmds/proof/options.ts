import { z } from '@rollup-mesh/core'
import { globalShape, num } from '../../options.js'

export const proofExportSchema = z.object({
  ...globalShape,
  message: z.string().min(1),
  network: z.string().min(1).optional(),
  index: num(0, 15).optional(),
  output: z.string().optional(),
  dataDir: z.string().optional(),
})
export type ProofExportOptions = z.output<typeof proofExportSchema>

export const proofVerifySchema = z.object({
  ...globalShape,
  file: z.string().min(1),
  validator: z.string().optional(),
})
export type ProofVerifyOptions = z.output<typeof proofVerifySchema>
