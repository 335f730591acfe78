import { BaseError } from './base.js'

/** A config file, CLI option or init object failed its schema. */
export class InvalidConfigError extends BaseError {
  readonly issues: readonly ConfigIssue[]
  constructor({ what, issues }: { what: string; issues: readonly ConfigIssue[] }) {
    super(`Invalid ${what}.`, {
      code: 'CONFIG_INVALID',
      name: 'InvalidConfigError',
      metaMessages: issues.map((i) => `- ${i.path || '(root)'}: ${i.message}`),
    })
    this.issues = issues
  }
}

export type ConfigIssue = { path: string; message: string }

/** A function was called with an argument outside its contract. */
export class InvalidParameterError extends BaseError {
  constructor({ param, expected, got }: { param: string; expected: string; got?: unknown }) {
    super(`Parameter "${param}" is invalid.`, {
      code: 'PARAMETER_INVALID',
      name: 'InvalidParameterError',
      metaMessages: [`- Expected ${expected}.`, ...(got !== undefined ? [`- Got ${describe(got)}.`] : [])],
    })
  }
}

/** A service method was used before `start()` or after `stop()`. */
export class NotStartedError extends BaseError {
  constructor(service: string) {
    super(`${service} is not started.`, {
      code: 'NOT_STARTED',
      name: 'NotStartedError',
      metaMessages: [`- Call ${service}.start() first, and do not use it after stop().`],
    })
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 80 ? `"${value.slice(0, 77)}..."` : `"${value}"`
  if (typeof value === 'bigint') return `${value}n`
  if (value instanceof Uint8Array) return `${value.length} bytes`
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'object') return Array.isArray(value) ? `an array of ${value.length}` : 'an object'
  return String(value)
}
