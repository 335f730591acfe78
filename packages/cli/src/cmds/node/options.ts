import { z } from '@rollup-mesh/core'
import { globalShape } from '../../options.js'

export const nodeStartSchema = z.object({
  ...globalShape,
  config: z.string().min(1),
})
export type NodeStartOptions = z.output<typeof nodeStartSchema>
