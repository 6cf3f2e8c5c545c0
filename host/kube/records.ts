// Plain records that the host builds from Kubernetes objects and feeds to the policy module.
// They hold only the fields that the pull-order policy reads, already validated by load.ts.

/** One pod's fields that the pull-order policy reads. */
export interface PodRecord {
  namespace: string;
  name: string;
  nodeName: string | undefined;
  /** spec.priority; undefined when the pod has none (clusters before PriorityClass). */
  priority: number | undefined;
  /** spec.priorityClassName, "" when absent. */
  priorityClassName: string;
  /** Value of annotation kubernetes.io/config.source, undefined when absent. */
  configSource: string | undefined;
  /** True when annotation kubernetes.io/config.mirror is present. */
  mirror: boolean;
  /** metadata.creationTimestamp in milliseconds since the Unix epoch, undefined when absent. */
  creationTimeMs: number | undefined;
  /**
   * Images in the order the kubelet runs the containers: spec.initContainers, then spec.containers.
   * Ephemeral containers are not included.
   */
  images: string[];
}

/** A namespace name with its annotations. */
export interface NamespaceRecord {
  name: string;
  annotations: Record<string, string>;
}
