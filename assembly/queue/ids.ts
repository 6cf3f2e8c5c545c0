// Id allocation for pods and images: the lowest free id is always taken
// first, so the ids a queue hands out depend only on which ids are in use,
// never on the order they were freed. A restored snapshot therefore hands
// out the same ids as the queue it was taken from. Id 0 is never used.

export class IdPool {
  // Min-heap of freed ids below `next`.
  private free: Array<u32> = new Array<u32>();
  private next: u32 = 1;

  /** Number of ids ever handed out plus one: ids in use are all below this mark. */
  get highWater(): u32 {
    return this.next;
  }

  take(): u32 {
    const free = this.free;
    if (free.length == 0) return this.next++;

    const lowest = unchecked(free[0]);
    const last = free.pop();
    if (free.length > 0) {
      // Sift `last` down from the root.
      let at = 0;
      const length = free.length;
      while (true) {
        const left = 2 * at + 1;
        if (left >= length) break;
        let child = left;
        if (left + 1 < length && unchecked(free[left + 1]) < unchecked(free[left])) child = left + 1;
        if (unchecked(free[child]) >= last) break;
        unchecked(free[at] = free[child]);
        at = child;
      }
      unchecked(free[at] = last);
    }
    return lowest;
  }

  release(id: u32): void {
    const free = this.free;
    let at = free.length;
    free.push(id);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (unchecked(free[parent]) <= id) break;
      unchecked(free[at] = free[parent]);
      at = parent;
    }
    unchecked(free[at] = id);
  }

  /** Rebuilds the pool for a restore: ids below `highWater` that `used` does not mark are free. */
  reset(highWater: u32, used: Set<u32>): void {
    this.next = highWater;
    this.free = new Array<u32>();
    // Ascending order is already a valid min-heap.
    for (let id: u32 = 1; id < highWater; id++) {
      if (!used.has(id)) this.free.push(id);
    }
  }
}
