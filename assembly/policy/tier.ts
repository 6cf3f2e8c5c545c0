// Tiers and the reasons a pod is placed in one. Both cross the ABI in the
// image and pod info records, so their values are part of the contract.

export const TIER_CRITICAL: u8 = 0;
export const TIER_PREFERRED: u8 = 1;
export const TIER_DEFAULT: u8 = 2;

/** Static pod: annotation kubernetes.io/config.source present and not "api". */
export const REASON_STATIC_POD: u8 = 1;
/** Mirror pod: annotation kubernetes.io/config.mirror present. */
export const REASON_MIRROR_POD: u8 = 2;
/** spec.priorityClassName is one of the configured critical classes. */
export const REASON_CRITICAL_CLASS: u8 = 3;
/** spec.priority is at or above the critical threshold. */
export const REASON_CRITICAL_PRIORITY: u8 = 4;
/** The pod's namespace is a preferred namespace. */
export const REASON_PREFERRED_NAMESPACE: u8 = 5;
/** The namespace carries a valid priority annotation. */
export const REASON_NAMESPACE_ANNOTATION: u8 = 6;
/** The namespace annotation is not an int32 and counts as 0. */
export const REASON_ANNOTATION_INVALID: u8 = 7;
/** The namespace has no priority annotation. */
export const REASON_NO_ANNOTATION: u8 = 8;

export const ANNOTATION_ABSENT: u8 = 0;
export const ANNOTATION_VALID: u8 = 1;
export const ANNOTATION_INVALID: u8 = 2;
