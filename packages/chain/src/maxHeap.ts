/**
 * A binary heap; `before(a, b)` is true when `a` pops first. The pool's block selection pops senders'
 * next transactions by tip from it.
 *
 * @example
 * ```ts
 * import { MaxHeap } from './maxHeap.js'
 *
 * const heap = new MaxHeap<number>((a, b) => a > b)
 * for (const n of [3, 9, 1]) heap.push(n)
 * heap.pop() // 9
 * ```
 */
export class MaxHeap<T> {
  private readonly items: T[] = []
  constructor(private readonly before: (a: T, b: T) => boolean) {}
  push(item: T): void {
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.before(a[i] as T, a[p] as T)) break
      ;[a[i], a[p]] = [a[p] as T, a[i] as T]
      i = p
    }
  }
  pop(): T | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length > 0 && last !== undefined) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && this.before(a[l] as T, a[m] as T)) m = l
        if (r < a.length && this.before(a[r] as T, a[m] as T)) m = r
        if (m === i) break
        ;[a[i], a[m]] = [a[m] as T, a[i] as T]
        i = m
      }
    }
    return top
  }
}
