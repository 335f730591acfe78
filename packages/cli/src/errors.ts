import { BaseError } from '@rollup-mesh/core'

/** A `mesh` command could not do what was asked; the message says what to do next. */
export class MeshCliError extends BaseError {
  constructor(
    shortMessage: string,
    args: { code?: string; metaMessages?: string[]; details?: string; cause?: unknown } = {},
  ) {
    super(shortMessage, { code: args.code ?? 'MESH_CLI', name: 'MeshCliError', ...args })
  }
}

export class UnknownNetworkError extends BaseError {
  constructor(network: string, known: string[]) {
    super(`Unknown network "${network}".`, {
      code: 'UNKNOWN_NETWORK',
      name: 'UnknownNetworkError',
      metaMessages: [
        known.length > 0
          ? `- Networks of this mesh: ${known.join(', ')}.`
          : '- No mesh is recorded in this data dir: start one with `mesh up`.',
      ],
    })
  }
}

export class NodeUnreachableError extends BaseError {
  constructor(network: string, url: string, cause?: unknown) {
    super(`Network "${network}" is not reachable at ${url}.`, {
      code: 'NODE_UNREACHABLE',
      name: 'NodeUnreachableError',
      metaMessages: ['- Is the mesh running? Check with `mesh status`, start it with `mesh up`.'],
      details: cause instanceof Error ? cause.message.split('\n')[0] : undefined,
    })
  }
}

/** One bad option: its flag (or argument), what it expects, what was given and where. */
export type OptionIssue = { name: string; expected: string; given: string }

/** Options of a command failed validation; each issue names the flag, the expectation and the given value. */
export class InvalidOptionError extends MeshCliError {
  override name = 'InvalidOptionError'
  readonly issues: OptionIssue[]
  constructor(usage: string, issues: OptionIssue[]) {
    const line = (i: OptionIssue) => `${i.name}: ${i.expected}, got ${i.given}`
    super(`Invalid option for \`mesh ${usage}\`: ${issues.map(line).join('; ')}.`, {
      code: 'INVALID_OPTION',
      metaMessages: [...issues.map((i) => `- ${line(i)}`), `- Run \`mesh ${usage} --help\` for its options.`],
    })
    this.issues = issues
  }
}
