/** What every scenario reports: the table row and the `--json` object's entry. */
export type ScenarioResult = {
  scenario: string
  ok: boolean
  seconds: number
  /** The figures the table shows (requests tried, faults survived, acknowledged txs lost, …). */
  figures: Record<string, number | string>
  /** Each broken promise, in words (empty when ok). */
  failures: string[]
}

/** How long and how hard a scenario runs: `quick` is the `npm test` size. */
export type ScenarioOptions = {
  quick: boolean
  seed: number
  workDir: string
  log: (line: string) => void
  /** rpc-abuse: attack a dev network (unsafe and dev methods answer) instead of a public-style node. */
  dev?: boolean
  /** crash: main-net validator processes (`mesh up --validators N`); validators 1… are killed too. Default 1. */
  validators?: number
}

export type Scenario = {
  name: string
  describe: string
  run(options: ScenarioOptions): Promise<ScenarioResult>
}
