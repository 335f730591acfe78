/**
 * Where a scenario spends its time: `mark(name)` closes the phase that began at the previous mark (or at
 * creation), and `figure()` is the figure `time s` every scenario reports (`start 12.3, load 8.0, …`), so a
 * slow run shows which phase grew.
 *
 * @example
 * const clock = createPhaseClock()
 * await startMesh()
 * clock.mark('start')
 * figures['time s'] = clock.figure() // "start 12.3"
 */
export function createPhaseClock(): { mark(name: string): void; figure(): string } {
  let last = performance.now()
  const phases: [string, number][] = []
  return {
    mark(name: string) {
      const now = performance.now()
      phases.push([name, (now - last) / 1000])
      last = now
    },
    figure() {
      return phases.map(([name, s]) => `${name} ${s.toFixed(1)}`).join(', ')
    },
  }
}
