// Binary min-heap of pending images, ordered by their best request's key.
//
//   position:   0        1        2        ...
//   keys:       [w0 w1 w2 w3][w0 w1 w2 w3][w0 w1 w2 w3]   4 u64 per position
//   images:     [img]    [img]    [img]
//
// Keys are copied into one flat array so that a sift compares neighbouring
// memory instead of following pointers to image objects. An image's key is
// copied again whenever it changes (update). Each image stores its position
// (heapIndex), so any image can be re-keyed or removed in O(log n).
//
// Invariant: for every i > 0, the key at (i - 1) / 2 sorts before the key at
// i, and images[i].heapIndex == i.

import { keyBefore } from "../policy/order";
import { Image } from "./model";

const KEY_BYTES: usize = 32;

export class ImageHeap {
  private keys: Array<u64> = new Array<u64>();
  private images: Array<Image> = new Array<Image>();

  get size(): i32 {
    return this.images.length;
  }

  /** Returns key word 0 of the first image; call only when size > 0. */
  firstWord0(): u64 {
    return load<u64>(this.keys.dataStart);
  }

  push(image: Image): void {
    const at = this.images.length;
    this.images.push(image);
    this.keys.push(0);
    this.keys.push(0);
    this.keys.push(0);
    this.keys.push(0);
    image.heapIndex = at;
    this.copyKey(image, at);
    this.siftUp(at);
  }

  /** Removes and returns the first image; call only when size > 0. */
  pop(): Image {
    const first = unchecked(this.images[0]);
    this.remove(first);
    return first;
  }

  remove(image: Image): void {
    const at = image.heapIndex;
    const lastAt = this.images.length - 1;
    image.heapIndex = -1;
    if (at != lastAt) {
      const last = unchecked(this.images[lastAt]);
      this.move(lastAt, at);
      unchecked(this.images[at] = last);
      last.heapIndex = at;
    }
    this.images.length = lastAt;
    this.keys.length = lastAt << 2;
    if (at != lastAt) this.restore(at);
  }

  /** Restores the heap order after `image`'s key changed. */
  update(image: Image): void {
    this.copyKey(image, image.heapIndex);
    this.restore(image.heapIndex);
  }

  private restore(at: i32): void {
    if (at > 0 && this.before(at, (at - 1) >> 1)) this.siftUp(at);
    else this.siftDown(at);
  }

  // @ts-ignore: decorator
  @inline
  private keyAt(at: i32): usize {
    return this.keys.dataStart + <usize>at * KEY_BYTES;
  }

  private copyKey(image: Image, at: i32): void {
    const key = this.keyAt(at);
    store<u64>(key, image.word0, 0);
    store<u64>(key, image.word1, 8);
    store<u64>(key, image.word2, 16);
    store<u64>(key, image.word3, 24);
  }

  // Copies the key at `from` over the key at `to`.
  private move(from: i32, to: i32): void {
    memory.copy(this.keyAt(to), this.keyAt(from), KEY_BYTES);
  }

  private before(a: i32, b: i32): bool {
    const keyA = this.keyAt(a);
    const keyB = this.keyAt(b);
    return keyBefore(
      load<u64>(keyA, 0), load<u64>(keyA, 8), load<u64>(keyA, 16), load<u64>(keyA, 24),
      load<u64>(keyB, 0), load<u64>(keyB, 8), load<u64>(keyB, 16), load<u64>(keyB, 24),
    );
  }

  // Swaps positions a and b, keys and images.
  private swap(a: i32, b: i32): void {
    const keyA = this.keyAt(a);
    const keyB = this.keyAt(b);
    for (let offset: usize = 0; offset < KEY_BYTES; offset += 8) {
      const word = load<u64>(keyA + offset);
      store<u64>(keyA + offset, load<u64>(keyB + offset));
      store<u64>(keyB + offset, word);
    }
    const imageA = unchecked(this.images[a]);
    const imageB = unchecked(this.images[b]);
    unchecked(this.images[a] = imageB);
    unchecked(this.images[b] = imageA);
    imageB.heapIndex = a;
    imageA.heapIndex = b;
  }

  private siftUp(from: i32): void {
    let at = from;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) break;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(from: i32): void {
    const length = this.images.length;
    let at = from;
    while (true) {
      const left = 2 * at + 1;
      if (left >= length) break;
      let child = left;
      if (left + 1 < length && this.before(left + 1, left)) child = left + 1;
      if (!this.before(child, at)) break;
      this.swap(at, child);
      at = child;
    }
  }
}
