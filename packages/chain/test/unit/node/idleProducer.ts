/** A block producer that seals nothing: the test seals blocks itself, or wants none (the pool answers). */
export function idleProducer() {
  let on = false
  return {
    start: async () => {
      on = true
    },
    stop: async () => {
      on = false
    },
    isStarted: () => on,
  }
}
