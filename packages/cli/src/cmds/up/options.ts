import { z } from '@rollup-mesh/core'
import { bool, globalShape, num } from '../../options.js'

export const upSchema = z.object({
  ...globalShape,
  spns: num(1, 16).default(2),
  mainnet: bool.default(true),
  dataDir: z.string().optional(),
  blockTime: num(10, 60_000).optional(),
  port: num(0, 65_000).optional(),
  settleInterval: num(100, 3_600_000).optional(),
  workers: num(0, 16).optional(),
  verifyParallel: bool.optional(),
  fresh: bool.default(false),
  detach: bool.default(false),
  exportConfigs: z.string().optional(),
  hosts: z.string().optional(),
  demo: bool.default(false),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
})
export type UpOptions = z.output<typeof upSchema>
