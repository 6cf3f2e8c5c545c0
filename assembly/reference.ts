// Image reference normalization, so that two spellings of one image share a
// queue entry. It follows the distribution reference grammar and the
// normalization containerd's CRI plugin applies (ParseDockerRef of
// github.com/distribution/reference):
//
//   nginx                         -> docker.io/library/nginx:latest
//   index.docker.io/user/app      -> docker.io/user/app:latest
//   quay.io/calico/node:v3.26     -> quay.io/calico/node:v3.26
//   app:v1@sha256:<64 hex>        -> docker.io/library/app@sha256:<64 hex>
//
// A reference with a digest names content, so its tag is dropped and the
// digest kept as written. Anything outside the grammar returns null.

import { MAX_REPOSITORY_BYTES } from "./abi/limits";

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPOSITORY_PREFIX = "library/";
const DEFAULT_TAG = "latest";
const MAX_TAG_LENGTH = 128;

function isLower(c: i32): bool { return c >= 0x61 && c <= 0x7A; }
function isUpper(c: i32): bool { return c >= 0x41 && c <= 0x5A; }
function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }
function isHex(c: i32): bool { return isDigit(c) || (c >= 0x61 && c <= 0x66); }
function isAlnum(c: i32): bool { return isLower(c) || isUpper(c) || isDigit(c); }
function isWord(c: i32): bool { return isAlnum(c) || c == 0x5F; }

// path-component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
function isPathComponent(s: string, from: i32, to: i32): bool {
  if (from >= to) return false;
  let i = from;
  while (i < to) {
    if (!isLower(s.charCodeAt(i)) && !isDigit(s.charCodeAt(i))) return false;
    while (i < to && (isLower(s.charCodeAt(i)) || isDigit(s.charCodeAt(i)))) i++;
    if (i == to) return true;

    const c = s.charCodeAt(i);
    if (c == 0x2E) {
      i++;
    } else if (c == 0x5F) {
      i++;
      if (i < to && s.charCodeAt(i) == 0x5F) i++;
    } else if (c == 0x2D) {
      while (i < to && s.charCodeAt(i) == 0x2D) i++;
    } else {
      return false;
    }
    // A separator must be followed by another run of [a-z0-9].
    if (i == to) return false;
  }
  return true;
}

// path: path-component ('/' path-component)*
function isPath(s: string, from: i32, to: i32): bool {
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i == to || s.charCodeAt(i) == 0x2F) {
      if (!isPathComponent(s, start, i)) return false;
      start = i + 1;
    }
  }
  return true;
}

// domain: host-component ('.' host-component)* (':' [0-9]+)?, or an IPv6 literal in brackets.
function isDomain(s: string, from: i32, to: i32): bool {
  let hostEnd = to;
  for (let i = to - 1; i > from; i--) {
    const c = s.charCodeAt(i);
    if (c == 0x3A) { hostEnd = i; break; }
    if (!isDigit(c)) break;
  }
  if (hostEnd < to && hostEnd + 1 == to) return false;

  if (s.charCodeAt(from) == 0x5B) {
    if (s.charCodeAt(hostEnd - 1) != 0x5D || hostEnd - from < 3) return false;
    for (let i = from + 1; i < hostEnd - 1; i++) {
      const c = s.charCodeAt(i);
      if (!isHex(c) && !(c >= 0x41 && c <= 0x46) && c != 0x3A) return false;
    }
    return true;
  }

  // host-component: [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
  let start = from;
  for (let i = from; i <= hostEnd; i++) {
    if (i == hostEnd || s.charCodeAt(i) == 0x2E) {
      if (i == start) return false;
      if (!isAlnum(s.charCodeAt(start)) || !isAlnum(s.charCodeAt(i - 1))) return false;
      for (let j = start; j < i; j++) {
        const c = s.charCodeAt(j);
        if (!isAlnum(c) && c != 0x2D) return false;
      }
      start = i + 1;
    }
  }
  return true;
}

// tag: [\w][\w.-]{0,127}
function isTag(s: string, from: i32, to: i32): bool {
  if (from >= to || to - from > MAX_TAG_LENGTH || !isWord(s.charCodeAt(from))) return false;
  for (let i = from + 1; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isWord(c) && c != 0x2E && c != 0x2D) return false;
  }
  return true;
}

// digest: algorithm ':' hex, where algorithm is [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*
// and hex has at least 32 lowercase hex digits (exactly 64 for sha256, 128 for sha512).
function isDigest(s: string, from: i32, to: i32): bool {
  const colon = s.indexOf(":", from);
  if (colon < 0 || colon >= to) return false;

  let atComponentStart = true;
  for (let i = from; i < colon; i++) {
    const c = s.charCodeAt(i);
    if (atComponentStart) {
      if (!isLower(c) && !isUpper(c)) return false;
      atComponentStart = false;
    } else if (c == 0x2D || c == 0x5F || c == 0x2B || c == 0x2E) {
      atComponentStart = true;
    } else if (!isAlnum(c)) {
      return false;
    }
  }
  if (atComponentStart) return false;

  const hexLength = to - colon - 1;
  for (let i = colon + 1; i < to; i++) {
    if (!isHex(s.charCodeAt(i))) return false;
  }
  const algorithm = s.substring(from, colon);
  if (algorithm == "sha256") return hexLength == 64;
  if (algorithm == "sha512") return hexLength == 128;
  return hexLength >= 32;
}

/** Returns the normalized form of `reference`, or null when it is not a valid image reference. */
export function normalizeReference(reference: string): string | null {
  const length = reference.length;
  if (length == 0) return null;
  for (let i = 0; i < length; i++) {
    const c = reference.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7F) return null;
  }

  // Split off the digest at the first '@', then a tag after the last ':' that follows the last '/'.
  const at = reference.indexOf("@");
  const nameAndTagEnd = at < 0 ? length : at;
  if (at >= 0 && !isDigest(reference, at + 1, length)) return null;

  const lastSlash = reference.lastIndexOf("/", nameAndTagEnd - 1);
  let nameEnd = nameAndTagEnd;
  const tagColon = reference.lastIndexOf(":", nameAndTagEnd - 1);
  if (tagColon > lastSlash) {
    if (!isTag(reference, tagColon + 1, nameAndTagEnd)) return null;
    nameEnd = tagColon;
  }
  if (nameEnd == 0) return null;

  // The first component is a domain when it contains '.' or ':', is "localhost",
  // or has an uppercase letter, which a repository path cannot.
  let domain = DEFAULT_DOMAIN;
  let pathStart = 0;
  const firstSlash = reference.indexOf("/");
  if (firstSlash >= 0 && firstSlash < nameEnd) {
    const first = reference.substring(0, firstSlash);
    if (first.includes(".") || first.includes(":") || first == "localhost" || first.toLowerCase() != first) {
      if (!isDomain(reference, 0, firstSlash)) return null;
      domain = first == LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
      pathStart = firstSlash + 1;
    }
  }
  if (!isPath(reference, pathStart, nameEnd)) return null;

  let path = reference.substring(pathStart, nameEnd);
  if (domain == DEFAULT_DOMAIN && !path.includes("/")) path = OFFICIAL_REPOSITORY_PREFIX + path;

  const repository = domain + "/" + path;
  if (repository.length > MAX_REPOSITORY_BYTES) return null;

  if (at >= 0) return repository + reference.substring(at);
  if (tagColon > lastSlash) return repository + reference.substring(tagColon, nameAndTagEnd);
  return repository + ":" + DEFAULT_TAG;
}
