// Generational ids for pods and images.
//
//   id = generation << SLOT_BITS | slot        (bit 31 always 0, so ids are positive i32)
//
// The slot indexes the table. The generation changes each time the slot is
// freed, so a stale id (an image completed twice, a pod removed twice) does
// not match whatever took the slot since. The lowest free slot is always
// taken first, so the ids handed out depend only on which slots are in use
// and their generations, never on the order slots were freed: a restored
// snapshot hands out the same ids as the queue it was taken from.
// Slot 0 is never used, so no id is 0.

/** Bits of an id that hold the slot; 2^18 slots cover the largest table. */
export const SLOT_BITS: u32 = 18;
export const SLOT_MASK: u32 = (1 << SLOT_BITS) - 1;
/** Generations wrap after this many reuses of one slot. */
export const GENERATIONS: u32 = 1 << (31 - SLOT_BITS);

/** Returns the table slot of `id`. */
// @ts-ignore: decorator
@inline
export function slotOf(id: u32): u32 {
  return id & SLOT_MASK;
}

export class IdPool {
  // Min-heap of free slots below `next`.
  private free: Array<u32> = new Array<u32>();
  // Current generation of each slot below `next`; index 0 unused.
  generations: Array<u16> = [0];
  private next: u32 = 1;

  /** One above the highest slot ever handed out. */
  get highWater(): u32 {
    return this.next;
  }

  take(): u32 {
    const free = this.free;
    let slot: u32;
    if (free.length == 0) {
      slot = this.next++;
      this.generations.push(0);
    } else {
      slot = unchecked(free[0]);
      const last = free.pop();
      if (free.length > 0) this.siftDown(last);
    }
    return (<u32>unchecked(this.generations[slot]) << SLOT_BITS) | slot;
  }

  release(id: u32): void {
    const slot = slotOf(id);
    const generations = this.generations;
    unchecked(generations[slot] = <u16>((<u32>unchecked(generations[slot]) + 1) % GENERATIONS));

    const free = this.free;
    let at = free.length;
    free.push(slot);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (unchecked(free[parent]) <= slot) break;
      unchecked(free[at] = free[parent]);
      at = parent;
    }
    unchecked(free[at] = slot);
  }

  // Places `value` from the root down (after the root was removed).
  private siftDown(value: u32): void {
    const free = this.free;
    const length = free.length;
    let at = 0;
    while (true) {
      const left = 2 * at + 1;
      if (left >= length) break;
      let child = left;
      if (left + 1 < length && unchecked(free[left + 1]) < unchecked(free[left])) child = left + 1;
      if (unchecked(free[child]) >= value) break;
      unchecked(free[at] = free[child]);
      at = child;
    }
    unchecked(free[at] = value);
  }

  /**
   * Rebuilds the pool for a restore: `generations` contains every slot's generation below
   * its length (the high-water mark), and slots that `used` does not contain are free.
   */
  reset(generations: Array<u16>, used: Set<u32>): void {
    this.generations = generations;
    this.next = <u32>generations.length;
    this.free = new Array<u32>();
    // Ascending order is already a valid min-heap.
    for (let slot: u32 = 1; slot < this.next; slot++) {
      if (!used.has(slot)) this.free.push(slot);
    }
  }
}
