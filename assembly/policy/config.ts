// Policy configuration. The host sends it once, before the first pod, with
// ipp_configure; until then these defaults apply.

/** kubelet's SystemCriticalPriority (pkg/apis/scheduling, Kubernetes 1.11 and later). */
export const SYSTEM_CRITICAL_PRIORITY: i32 = 2000000000;

export class Config {
  /** Pods with spec.priority at or above this are critical. */
  criticalPriority: i32 = SYSTEM_CRITICAL_PRIORITY;
  /** Priority class names that make a pod critical. */
  criticalClasses: Array<string> = ["system-node-critical", "system-cluster-critical"];
  /** Namespaces whose pods form the preferred tier, earlier first. */
  preferredNamespaces: Array<string> = ["kube-system"];
  /** Namespace annotation that carries the default tier's priority. */
  annotationKey: string = "image-pull-priority";
  /** Images in flight at once (the kubelet's maxParallelImagePulls; 1 is serial). */
  slots: i32 = 1;
  /**
   * When set, an image waits while an image of a higher tier is in flight, even with a slot
   * free, so lower tiers never share the link with a higher one.
   */
  holdLowerTiers: bool = true;

  /** Returns the position of `namespace` in preferredNamespaces, or -1. */
  preferredIndex(namespace: string): i32 {
    return this.preferredNamespaces.indexOf(namespace);
  }

  isCriticalClass(priorityClassName: string): bool {
    return this.criticalClasses.includes(priorityClassName);
  }
}
