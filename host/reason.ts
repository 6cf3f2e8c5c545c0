// Turns the module's reason code for an image into the sentence operators
// read in `plan` and `simulate` output.

import { Reason } from "./abi/constants.ts";
import type { ImageInfo } from "./abi/records.ts";
import type { PodRecord } from "./kube/records.ts";

/** Formats why an image has its place, from its info record and its best waiting pod. */
export function formatReason(info: ImageInfo, bestPod: PodRecord | undefined, annotationKey: string): string {
  const namespace = bestPod?.namespace ?? "?";
  switch (info.reason) {
    case Reason.STATIC_POD:
      return "critical: static pod";
    case Reason.MIRROR_POD:
      return "critical: mirror pod";
    case Reason.CRITICAL_CLASS:
      return `critical: priorityClassName=${bestPod?.priorityClassName ?? "?"}`;
    case Reason.CRITICAL_PRIORITY:
      return `critical: priority=${bestPod?.priority ?? "?"}`;
    case Reason.PREFERRED_NAMESPACE:
      return `preferred namespace ${namespace}`;
    case Reason.NAMESPACE_ANNOTATION:
      return `annotation ${annotationKey}=${info.group} on namespace ${namespace}`;
    case Reason.ANNOTATION_INVALID:
      return `annotation ${annotationKey} on namespace ${namespace} is not an int32, counted as 0`;
    case Reason.NO_ANNOTATION:
      return `no ${annotationKey} annotation on namespace ${namespace}`;
    default:
      return "nobody waits for this image any more";
  }
}
