// Status codes returned by every export that can fail.
//
// Zero and positive values are successes (some calls return a count or an id
// instead of OK). Negative values are errors: the call changed nothing. The
// table in docs/abi.md is the contract; keep the two in step.

export const OK: i32 = 0;

/** Success, but the namespace annotation was not an int32 and counts as 0. */
export const WARN_ANNOTATION_INVALID: i32 = 1;

/** The record ends before a field it declares. */
export const ERR_TRUNCATED: i32 = -1;
/** The record has bytes after its last field. */
export const ERR_TRAILING_BYTES: i32 = -2;
/** A string is not valid UTF-8. */
export const ERR_INVALID_UTF8: i32 = -3;
/** A string is longer than its limit. */
export const ERR_STRING_TOO_LONG: i32 = -4;
/** A string that must not be empty is empty. */
export const ERR_EMPTY_STRING: i32 = -5;
/** An image reference does not follow the distribution reference grammar. */
export const ERR_INVALID_REFERENCE: i32 = -6;
/** A flag, status or count field has a value outside its range. */
export const ERR_INVALID_FIELD: i32 = -7;
/** No pod has this id. */
export const ERR_UNKNOWN_POD: i32 = -8;
/** No image has this id. */
export const ERR_UNKNOWN_IMAGE: i32 = -9;
/** The image is queued but not in flight (never handed out, or already completed). */
export const ERR_NOT_IN_FLIGHT: i32 = -10;
/** The number of live pods would exceed MAX_PODS. */
export const ERR_TOO_MANY_PODS: i32 = -11;
/** The number of queued images would exceed MAX_IMAGES. */
export const ERR_TOO_MANY_IMAGES: i32 = -12;
/** The number of (pod, image) requests would exceed MAX_REQUESTS. */
export const ERR_TOO_MANY_REQUESTS: i32 = -13;
/** The number of namespaces would exceed MAX_NAMESPACES. */
export const ERR_TOO_MANY_NAMESPACES: i32 = -14;
/** The stored text (names and references) would exceed MAX_TEXT_BYTES. */
export const ERR_TOO_MUCH_TEXT: i32 = -15;
/** A list in a record is longer than its limit. */
export const ERR_LIST_TOO_LONG: i32 = -16;
/** The call needs an instance with no pods and no namespaces. */
export const ERR_NOT_EMPTY: i32 = -17;
/** The input length exceeds the reserved input buffer or MAX_INPUT_BYTES. */
export const ERR_INPUT_TOO_LARGE: i32 = -18;
/** The snapshot does not start with the magic bytes or has another format version. */
export const ERR_SNAPSHOT_VERSION: i32 = -19;
/** The snapshot's checksum or contents are invalid. */
export const ERR_SNAPSHOT_CORRUPT: i32 = -20;
/** A list in a record names the same value twice. */
export const ERR_DUPLICATE: i32 = -21;
/** A pod record lists no image. */
export const ERR_NO_IMAGES: i32 = -22;
