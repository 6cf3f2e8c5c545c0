// The records the queue keeps: namespaces, pods and images.
//
//   Namespace 1──* Pod *──* Image
//                     (requests)
//
// A request is one pod waiting for one image, stored on the image as
// (pod id << 32 | container index). Each pod lists the ids of its
// outstanding images, and each namespace lists the ids of its pods, so any
// change can reach the images whose keys depend on it.

import { ANNOTATION_ABSENT } from "../policy/tier";

export const IMAGE_PENDING: u8 = 1;
export const IMAGE_IN_FLIGHT: u8 = 2;

export class Namespace {
  annotationState: u8 = ANNOTATION_ABSENT;
  /** Annotation value; 0 when absent or invalid. */
  annotation: i32 = 0;
  /** Ids of live pods in this namespace. */
  pods: Array<u32> = new Array<u32>();
  /** Live pods of this namespace by name. */
  podsByName: Map<string, u32> = new Map<string, u32>();

  constructor(
    public name: string,
    /** Position in the configured preferred namespaces, or -1. */
    public preferredIndex: i32,
  ) {}
}

export class Pod {
  tier: u8 = 0;
  reason: u8 = 0;
  /** Key words 0 to 2 (see policy/order.ts); word 0 changes with the namespace annotation. */
  word0: u64 = 0;
  word1: u64 = 0;
  word2: u64 = 0;
  /** Container index the next new image of this pod gets. */
  nextContainer: u32 = 0;
  /** Ids of images this pod waits for: queued or in flight. */
  images: Array<u32> = new Array<u32>();
  /** Position of this pod's id in namespace.pods. */
  namespaceSlot: i32 = 0;

  constructor(
    public id: u32,
    public namespace: Namespace,
    public name: string,
    public flags: u32,
    public priority: i32,
    public priorityClassName: string,
    public configSource: string,
    public creationMs: i64,
    public sequence: u64,
  ) {}
}

export class Image {
  state: u8 = IMAGE_PENDING;
  /** Requests waiting for this image: pod id << 32 | container index. */
  requests: Array<u64> = new Array<u64>();
  /** Position in the pending heap, -1 while in flight. */
  heapIndex: i32 = -1;
  /** The best request's key words (see policy/order.ts). */
  word0: u64 = u64.MAX_VALUE;
  word1: u64 = u64.MAX_VALUE;
  word2: u64 = u64.MAX_VALUE;
  word3: u64 = u64.MAX_VALUE;
  /** The best request: its pod id and container index; 0 when nobody waits. */
  bestPod: u32 = 0;
  bestContainer: u32 = 0;

  constructor(public id: u32, public name: string) {}
}

/** Packs a request. */
// @ts-ignore: decorator
@inline
export function request(podId: u32, container: u32): u64 {
  return (<u64>podId << 32) | <u64>container;
}

// @ts-ignore: decorator
@inline
export function requestPod(entry: u64): u32 {
  return <u32>(entry >> 32);
}

// @ts-ignore: decorator
@inline
export function requestContainer(entry: u64): u32 {
  return <u32>entry;
}
