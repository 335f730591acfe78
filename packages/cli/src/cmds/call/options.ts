import { z } from '@rollup-mesh/core'
import { globalShape } from '../../options.js'

export const callSchema = z.object({
  ...globalShape,
  address: z.string().min(1),
  function: z.string().min(1),
  args: z.array(z.string()).default([]),
  network: z.string().min(1).optional(),
  rpcUrl: z.string().url().optional(),
  dataDir: z.string().optional(),
  abi: z.string().optional(),
  from: z.string().optional(),
  value: z.string().optional(),
})
export type CallOptions = z.output<typeof callSchema>
