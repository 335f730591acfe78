import type { GlobalOptions } from '../types.js'

export type DoctorOptions = GlobalOptions
