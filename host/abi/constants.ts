// Values that cross the ABI besides status codes, mirrored from the module.

/** The ABI version this host speaks; ipp_abi_version must return it. */
export const ABI_VERSION = 1;

/** Tier values in image and pod info records. */
export const TIERS = ["critical", "preferred", "default"] as const;
export type Tier = (typeof TIERS)[number];
/** Tier field value of an image nobody waits for any more. */
export const TIER_NONE = 0xff;

/** Reason codes in image and pod info records. */
export const Reason = {
  STATIC_POD: 1,
  MIRROR_POD: 2,
  CRITICAL_CLASS: 3,
  CRITICAL_PRIORITY: 4,
  PREFERRED_NAMESPACE: 5,
  NAMESPACE_ANNOTATION: 6,
  ANNOTATION_INVALID: 7,
  NO_ANNOTATION: 8,
} as const;

/** Config record flag bits. */
export const ConfigFlag = {
  HOLD_LOWER_TIERS: 1,
} as const;

/** Pod record flag bits. */
export const PodFlag = {
  HAS_PRIORITY: 1,
  HAS_CONFIG_SOURCE: 2,
  MIRROR: 4,
} as const;

/** Image state values in image info records. */
export const ImageState = {
  PENDING: 1,
  IN_FLIGHT: 2,
} as const;

/** Outcome argument of ipp_complete. */
export const PullOutcome = {
  SUCCEEDED: 0,
  FAILED: 1,
} as const;
