/** A node the user-mode workload runs against: spn1 of a mesh, anvil, or (in the test) an in-process SPN. */
export type Target = {
  name: string
  url: string
  /** Its `newHeads` WebSocket endpoint (the stage breakdown's block announcements). */
  wsUrl: string
  chainId: number
  /** Pids whose process trees are charged to this node (ours: spn1). */
  pids: number[]
  /** Pids of the whole deployment (ours: every mesh node). */
  allPids: number[]
  /** The node's JSON log, for the settlements proved during the run (ours only). */
  logFile?: string
}
