import { BaseError as ViemBaseError } from 'viem'

/** The revert reason a viem error carries (`reverted with reason string '…'`), if any. */
export function revertReason(error: unknown): string | undefined {
  if (!(error instanceof ViemBaseError)) return undefined
  const text = `${error.details ?? ''}\n${error.shortMessage}\n${error.message}`
  const m = /reverted(?: with reason string)?:? '?([^'\n]+)'?/.exec(text)
  return m?.[1]?.trim()
}
