/**
 * The simulation's virtual clock: events ordered by (time, insertion order), a binary heap. Nothing reads
 * the wall clock, so a run is a pure function of its seed.
 *
 * @example
 * ```ts
 * const q = new EventQueue<string>()
 * q.push(5, 'b'); q.push(1, 'a')
 * q.pop() // { time: 1, item: 'a' }
 * ```
 */
export class EventQueue<T> {
  #heap: { time: number; seq: number; item: T }[] = []
  #seq = 0
  now = 0

  get size(): number {
    return this.#heap.length
  }

  push(time: number, item: T): void {
    const h = this.#heap
    h.push({ time, seq: this.#seq++, item })
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!less(h[i]!, h[parent]!)) break
      ;[h[i], h[parent]] = [h[parent]!, h[i]!]
      i = parent
    }
  }

  /** The earliest event; advances `now` to its time. */
  pop(): { time: number; item: T } | undefined {
    const h = this.#heap
    const top = h[0]
    if (!top) return undefined
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && less(h[l]!, h[m]!)) m = l
        if (r < h.length && less(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    this.now = top.time
    return { time: top.time, item: top.item }
  }
}

function less(a: { time: number; seq: number }, b: { time: number; seq: number }): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq)
}
