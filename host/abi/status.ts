// The module's status codes, mirrored from assembly/abi/status.ts and the
// table in docs/abi.md. Names match the ABI exactly so grep finds both sides.

export const OK = 0;
export const WARN_ANNOTATION_INVALID = 1;

/** Error codes by name. */
export const ErrorCode = {
  ERR_TRUNCATED: -1,
  ERR_TRAILING_BYTES: -2,
  ERR_INVALID_UTF8: -3,
  ERR_STRING_TOO_LONG: -4,
  ERR_EMPTY_STRING: -5,
  ERR_INVALID_REFERENCE: -6,
  ERR_INVALID_FIELD: -7,
  ERR_UNKNOWN_POD: -8,
  ERR_UNKNOWN_IMAGE: -9,
  ERR_NOT_IN_FLIGHT: -10,
  ERR_TOO_MANY_PODS: -11,
  ERR_TOO_MANY_IMAGES: -12,
  ERR_TOO_MANY_REQUESTS: -13,
  ERR_TOO_MANY_NAMESPACES: -14,
  ERR_TOO_MUCH_TEXT: -15,
  ERR_LIST_TOO_LONG: -16,
  ERR_NOT_EMPTY: -17,
  ERR_INPUT_TOO_LARGE: -18,
  ERR_SNAPSHOT_VERSION: -19,
  ERR_SNAPSHOT_CORRUPT: -20,
  ERR_DUPLICATE: -21,
  ERR_NO_IMAGES: -22,
} as const;

export type ErrorName = keyof typeof ErrorCode;

/** Meaning of each error and what the caller can do, for error messages. */
const ERROR_TEXT: Record<ErrorName, string> = {
  ERR_TRUNCATED: "record is truncated; encode every field the layout lists",
  ERR_TRAILING_BYTES: "record has bytes after its last field; send exactly one record",
  ERR_INVALID_UTF8: "string is not valid UTF-8",
  ERR_STRING_TOO_LONG: "string is longer than its limit in docs/abi.md",
  ERR_EMPTY_STRING: "string must not be empty",
  ERR_INVALID_REFERENCE: "not a valid image reference (expected [domain/]path[:tag][@digest], lowercase path)",
  ERR_INVALID_FIELD: "field value is out of range",
  ERR_UNKNOWN_POD: "no live pod has this id; its images completed or it was removed already",
  ERR_UNKNOWN_IMAGE: "no image has this id; it may have completed already",
  ERR_NOT_IN_FLIGHT: "image is not in flight; complete only images that next handed out, once",
  ERR_TOO_MANY_PODS: "too many live pods (limit 131072); complete or remove pods first",
  ERR_TOO_MANY_IMAGES: "too many queued images (limit 131072); complete or remove pods first",
  ERR_TOO_MANY_REQUESTS: "too many pod-image requests (limit 524288); complete or remove pods first",
  ERR_TOO_MANY_NAMESPACES: "too many namespaces (limit 16384)",
  ERR_TOO_MUCH_TEXT: "stored names and references would exceed 32 MiB",
  ERR_LIST_TOO_LONG: "list is longer than its limit in docs/abi.md",
  ERR_NOT_EMPTY: "only allowed while the instance holds no pod, namespace or image in flight; use a fresh instance",
  ERR_INPUT_TOO_LARGE: "input length exceeds the last ipp_input_reserve (max 64 MiB); reserve the record length first",
  ERR_SNAPSHOT_VERSION: "not a snapshot of a format this module reads",
  ERR_SNAPSHOT_CORRUPT: "snapshot checksum or contents are invalid",
  ERR_DUPLICATE: "list names the same value twice",
  ERR_NO_IMAGES: "pod record lists no image",
};

/** Returns the name of an error code, or "UNKNOWN(code)". */
export function errorName(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) {
    if (value === code) return name;
  }
  return `UNKNOWN(${code})`;
}

/** Returns the explanation of an error code. */
export function errorText(code: number): string {
  const name = errorName(code);
  return name in ERROR_TEXT ? ERROR_TEXT[name as ErrorName] : "unknown status code from the policy module";
}
