import { z } from '@rollup-mesh/core'
import { bool, globalShape, num } from '../../options.js'

export const bridgeSchema = z.object({
  ...globalShape,
  from: z.string().min(1).default('spn1'),
  to: z.string().min(1),
  value: z.string().default('0'),
  toAddress: z.string().optional(),
  data: z.string().default('0x'),
  fromAccount: z.string().optional(),
  wait: bool.default(true),
  timeout: num(1, 3600).default(120),
  dataDir: z.string().optional(),
})
export type BridgeOptions = z.output<typeof bridgeSchema>
