// Binary min-heap of pending images, ordered by their best request's key.
// Each image stores its position (heapIndex), so a key that changes in place
// is restored with one sift in O(log n) and any image can be removed.
//
// Invariant: for every i > 0, items[(i - 1) / 2] sorts before items[i], and
// items[i].heapIndex == i.

import { keyBefore } from "../policy/order";
import { Image } from "./model";

// @ts-ignore: decorator
@inline
function before(a: Image, b: Image): bool {
  return keyBefore(a.word0, a.word1, a.word2, a.word3, b.word0, b.word1, b.word2, b.word3);
}

export class ImageHeap {
  private items: Array<Image> = new Array<Image>();

  get size(): i32 {
    return this.items.length;
  }

  /** Returns the first image without removing it; call only when size > 0. */
  peek(): Image {
    return unchecked(this.items[0]);
  }

  push(image: Image): void {
    image.heapIndex = this.items.length;
    this.items.push(image);
    this.siftUp(image.heapIndex);
  }

  /** Removes and returns the first image; call only when size > 0. */
  pop(): Image {
    const first = unchecked(this.items[0]);
    this.remove(first);
    return first;
  }

  remove(image: Image): void {
    const items = this.items;
    const at = image.heapIndex;
    const last = items.pop();
    image.heapIndex = -1;
    if (last === image) return;

    unchecked(items[at] = last);
    last.heapIndex = at;
    this.update(last);
  }

  /** Restores the heap order after `image`'s key changed. */
  update(image: Image): void {
    const at = image.heapIndex;
    if (at > 0 && before(image, unchecked(this.items[(at - 1) >> 1]))) {
      this.siftUp(at);
    } else {
      this.siftDown(at);
    }
  }

  private siftUp(from: i32): void {
    const items = this.items;
    const image = unchecked(items[from]);
    let at = from;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = unchecked(items[parentAt]);
      if (!before(image, parent)) break;
      unchecked(items[at] = parent);
      parent.heapIndex = at;
      at = parentAt;
    }
    unchecked(items[at] = image);
    image.heapIndex = at;
  }

  private siftDown(from: i32): void {
    const items = this.items;
    const length = items.length;
    const image = unchecked(items[from]);
    let at = from;
    while (true) {
      const left = 2 * at + 1;
      if (left >= length) break;
      let childAt = left;
      let child = unchecked(items[left]);
      if (left + 1 < length) {
        const right = unchecked(items[left + 1]);
        if (before(right, child)) {
          childAt = left + 1;
          child = right;
        }
      }
      if (!before(child, image)) break;
      unchecked(items[at] = child);
      child.heapIndex = at;
      at = childAt;
    }
    unchecked(items[at] = image);
    image.heapIndex = at;
  }
}
