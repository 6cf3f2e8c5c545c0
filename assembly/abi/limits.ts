// Limits enforced on every input. They bound the module's memory below the
// maximum set in asconfig.json (1 GiB). A state at the text limit (32 MiB of
// names in 40,963 pods and 82,926 images) measured 192 MiB, and 384 MiB after
// its snapshot was written; memory grows by doubling. NOTE: that is one
// measured state, not every limit reached at once.

/** Max bytes of an image reference as sent by the host. */
export const MAX_REFERENCE_BYTES: i32 = 512;
/** Max bytes of a distribution repository name, domain included (distribution's NameTotalLengthMax). */
export const MAX_REPOSITORY_BYTES: i32 = 255;
/** Max bytes of a namespace name (a DNS-1123 label). */
export const MAX_NAMESPACE_BYTES: i32 = 63;
/** Max bytes of a pod name, priority class name or config.source value (a DNS-1123 subdomain). */
export const MAX_NAME_BYTES: i32 = 253;
/** Max bytes of an annotation key: a 253-byte prefix, a slash and a 63-byte name. */
export const MAX_ANNOTATION_KEY_BYTES: i32 = 317;
/** Max bytes of a namespace annotation value. */
export const MAX_ANNOTATION_VALUE_BYTES: i32 = 1024;

/** Max images in one enqueue record. */
export const MAX_IMAGES_PER_RECORD: i32 = 128;
/** Max outstanding images of one pod. */
export const MAX_IMAGES_PER_POD: i32 = 256;
/** Max entries in each configuration list. */
export const MAX_CONFIG_LIST: i32 = 64;
/** Max pull slots (maxParallelImagePulls). */
export const MAX_SLOTS: i32 = 1024;

/** Max live pods: pods with at least one image queued or in flight. */
export const MAX_PODS: i32 = 131072;
/** Max images queued or in flight. */
export const MAX_IMAGES: i32 = 131072;
/** Max (pod, image) requests. */
export const MAX_REQUESTS: i32 = 524288;
/** Max namespaces known to the module. */
export const MAX_NAMESPACES: i32 = 16384;
/** Max UTF-8 bytes of stored names and references together. */
export const MAX_TEXT_BYTES: i32 = 32 << 20;
/** Max bytes the host may reserve for one input. */
export const MAX_INPUT_BYTES: i32 = 64 << 20;
