import { BaseError } from '@rollup-mesh/core'

/**
 * A `mesh` command could not do what was asked; the meta messages say what to run next.
 * `code` is stable (tests and `--json` consumers match on it).
 */
export class MeshCliError extends BaseError {
  constructor(
    shortMessage: string,
    args: { code: string; metaMessages?: string[]; details?: string; cause?: unknown },
  ) {
    super(shortMessage, { name: 'MeshCliError', ...args })
  }
}

/** A node answered a JSON-RPC request with an error (or with something that is not JSON-RPC). */
export class NodeRpcError extends MeshCliError {
  override name = 'NodeRpcError'
  readonly method: string
  constructor(network: string, method: string, message: string, rpcCode?: number) {
    super(`${network} rejected ${method}: ${message}`, {
      code: 'RPC_ERROR',
      metaMessages: [
        `- The node's log says more: \`mesh logs ${network}\`.`,
        '- Check the mesh with `mesh status`.',
      ],
      ...(rpcCode !== undefined ? { details: `JSON-RPC error code ${rpcCode}` } : {}),
    })
    this.method = method
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
