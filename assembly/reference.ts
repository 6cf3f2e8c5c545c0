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
//
// The reference is read as UTF-8 bytes straight from the input record, and
// the result is built with one allocation: this runs for every image of
// every enqueued pod.
//
//   result = prefix + input[nameStart, nameEnd) + suffix
//   prefix: "", "docker.io/" or "docker.io/library/"
//   suffix: the digest, the tag, or ":latest"

import { MAX_REPOSITORY_BYTES } from "./abi/limits";

const DEFAULT_DOMAIN = "docker.io/";
const DEFAULT_DOMAIN_OFFICIAL = "docker.io/library/";
const DEFAULT_TAG_SUFFIX = ":latest";
const MAX_TAG_LENGTH = 128;

// Byte values used by the grammar.
const SLASH = 0x2F;
const COLON = 0x3A;
const AT = 0x40;
const DOT = 0x2E;
const DASH = 0x2D;
const UNDERSCORE = 0x5F;
const PLUS = 0x2B;
const OPEN_BRACKET = 0x5B;
const CLOSE_BRACKET = 0x5D;

// @ts-ignore: decorator
@inline function byteAt(ptr: usize, i: i32): i32 { return <i32>load<u8>(ptr + <usize>i); }
// @ts-ignore: decorator
@inline function isLower(c: i32): bool { return <u32>(c - 0x61) < 26; }
// @ts-ignore: decorator
@inline function isUpper(c: i32): bool { return <u32>(c - 0x41) < 26; }
// @ts-ignore: decorator
@inline function isDigit(c: i32): bool { return <u32>(c - 0x30) < 10; }
// @ts-ignore: decorator
@inline function isHex(c: i32): bool { return isDigit(c) || <u32>(c - 0x61) < 6; }
// @ts-ignore: decorator
@inline function isAlnum(c: i32): bool { return isLower(c) || isUpper(c) || isDigit(c); }
// @ts-ignore: decorator
@inline function isLowerAlnum(c: i32): bool { return isLower(c) || isDigit(c); }
// @ts-ignore: decorator
@inline function isWord(c: i32): bool { return isAlnum(c) || c == UNDERSCORE; }

function indexOf(ptr: usize, from: i32, to: i32, c: i32): i32 {
  for (let i = from; i < to; i++) if (byteAt(ptr, i) == c) return i;
  return -1;
}

function lastIndexOf(ptr: usize, from: i32, to: i32, c: i32): i32 {
  for (let i = to - 1; i >= from; i--) if (byteAt(ptr, i) == c) return i;
  return -1;
}

function equalsAscii(ptr: usize, from: i32, to: i32, text: string): bool {
  if (to - from != text.length) return false;
  for (let i = from; i < to; i++) if (byteAt(ptr, i) != <i32>text.charCodeAt(i - from)) return false;
  return true;
}

// path-component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
function isPathComponent(ptr: usize, from: i32, to: i32): bool {
  if (from >= to || !isLowerAlnum(byteAt(ptr, from))) return false;
  let i = from;
  while (i < to) {
    while (i < to && isLowerAlnum(byteAt(ptr, i))) i++;
    if (i == to) return true;

    const c = byteAt(ptr, i);
    if (c == DOT) {
      i++;
    } else if (c == UNDERSCORE) {
      i++;
      if (i < to && byteAt(ptr, i) == UNDERSCORE) i++;
    } else if (c == DASH) {
      while (i < to && byteAt(ptr, i) == DASH) i++;
    } else {
      return false;
    }
    // A separator must be followed by another run of [a-z0-9].
    if (i == to || !isLowerAlnum(byteAt(ptr, i))) return false;
  }
  return true;
}

// path: path-component ('/' path-component)*; returns the number of components, or 0 when invalid.
function countPathComponents(ptr: usize, from: i32, to: i32): i32 {
  let count = 0;
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i == to || byteAt(ptr, i) == SLASH) {
      if (!isPathComponent(ptr, start, i)) return 0;
      count++;
      start = i + 1;
    }
  }
  return count;
}

// domain: host-component ('.' host-component)* (':' [0-9]+)?, or an IPv6 literal in brackets.
function isDomain(ptr: usize, from: i32, to: i32): bool {
  let hostEnd = to;
  for (let i = to - 1; i > from; i--) {
    const c = byteAt(ptr, i);
    if (c == COLON) {
      hostEnd = i;
      break;
    }
    if (!isDigit(c)) break;
  }
  if (hostEnd < to && hostEnd + 1 == to) return false;

  if (byteAt(ptr, from) == OPEN_BRACKET) {
    if (hostEnd - from < 3 || byteAt(ptr, hostEnd - 1) != CLOSE_BRACKET) return false;
    for (let i = from + 1; i < hostEnd - 1; i++) {
      const c = byteAt(ptr, i);
      if (!isHex(c) && <u32>(c - 0x41) >= 6 && c != COLON) return false;
    }
    return true;
  }

  // host-component: [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
  let start = from;
  for (let i = from; i <= hostEnd; i++) {
    if (i == hostEnd || byteAt(ptr, i) == DOT) {
      if (i == start || !isAlnum(byteAt(ptr, start)) || !isAlnum(byteAt(ptr, i - 1))) return false;
      for (let j = start; j < i; j++) {
        const c = byteAt(ptr, j);
        if (!isAlnum(c) && c != DASH) return false;
      }
      start = i + 1;
    }
  }
  return true;
}

// tag: [\w][\w.-]{0,127}
function isTag(ptr: usize, from: i32, to: i32): bool {
  if (from >= to || to - from > MAX_TAG_LENGTH || !isWord(byteAt(ptr, from))) return false;
  for (let i = from + 1; i < to; i++) {
    const c = byteAt(ptr, i);
    if (!isWord(c) && c != DOT && c != DASH) return false;
  }
  return true;
}

// digest: algorithm ':' hex, where algorithm is [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*
// and hex has at least 32 lowercase hex digits (exactly 64 for sha256, 128 for sha512).
function isDigest(ptr: usize, from: i32, to: i32): bool {
  const colon = indexOf(ptr, from, to, COLON);
  if (colon < 0) return false;

  let atComponentStart = true;
  for (let i = from; i < colon; i++) {
    const c = byteAt(ptr, i);
    if (atComponentStart) {
      if (!isLower(c) && !isUpper(c)) return false;
      atComponentStart = false;
    } else if (c == DASH || c == UNDERSCORE || c == PLUS || c == DOT) {
      atComponentStart = true;
    } else if (!isAlnum(c)) {
      return false;
    }
  }
  if (atComponentStart) return false;

  for (let i = colon + 1; i < to; i++) {
    if (!isHex(byteAt(ptr, i))) return false;
  }
  const hexLength = to - colon - 1;
  if (equalsAscii(ptr, from, colon, "sha256")) return hexLength == 64;
  if (equalsAscii(ptr, from, colon, "sha512")) return hexLength == 128;
  return hexLength >= 32;
}

// Creates a string from `prefix`, the ASCII bytes [from, to) at `ptr`, and then either the
// ASCII bytes [suffixFrom, suffixTo) or, when suffixFrom < 0, `literalSuffix`.
function assemble(prefix: string, ptr: usize, from: i32, to: i32, suffixFrom: i32, suffixTo: i32, literalSuffix: string): string {
  const suffixLength = suffixFrom >= 0 ? suffixTo - suffixFrom : literalSuffix.length;
  const length = prefix.length + (to - from) + suffixLength;
  const result = changetype<string>(__new(<usize>length << 1, idof<string>()));
  const out = changetype<usize>(result);

  memory.copy(out, changetype<usize>(prefix), <usize>prefix.length << 1);
  let at = out + (<usize>prefix.length << 1);
  for (let i = from; i < to; i++, at += 2) store<u16>(at, <u16>byteAt(ptr, i));
  if (suffixFrom >= 0) {
    for (let i = suffixFrom; i < suffixTo; i++, at += 2) store<u16>(at, <u16>byteAt(ptr, i));
  } else {
    memory.copy(at, changetype<usize>(literalSuffix), <usize>literalSuffix.length << 1);
  }
  return result;
}

/** Returns the normalized form of the `length` UTF-8 bytes at `ptr`, or null when they are not a valid image reference. */
export function normalizeReference(ptr: usize, length: i32): string | null {
  if (length == 0) return null;
  for (let i = 0; i < length; i++) {
    const c = byteAt(ptr, i);
    if (c <= 0x20 || c >= 0x7F) return null;
  }

  // Split off the digest at the first '@', then a tag after the last ':' that follows the last '/'.
  const at = indexOf(ptr, 0, length, AT);
  const nameAndTagEnd = at < 0 ? length : at;
  if (at >= 0 && !isDigest(ptr, at + 1, length)) return null;

  const lastSlash = lastIndexOf(ptr, 0, nameAndTagEnd, SLASH);
  const tagColon = lastIndexOf(ptr, 0, nameAndTagEnd, COLON);
  const hasTag = tagColon > lastSlash;
  if (hasTag && !isTag(ptr, tagColon + 1, nameAndTagEnd)) return null;
  const nameEnd = hasTag ? tagColon : nameAndTagEnd;
  if (nameEnd == 0) return null;

  // The first component is a domain when it contains '.' or ':', is "localhost",
  // or has an uppercase letter, which a repository path cannot.
  let hasDomain = false;
  let dockerHub = true;
  const firstSlash = indexOf(ptr, 0, nameEnd, SLASH);
  if (firstSlash >= 0) {
    for (let i = 0; i < firstSlash; i++) {
      const c = byteAt(ptr, i);
      if (c == DOT || c == COLON || isUpper(c)) hasDomain = true;
    }
    if (equalsAscii(ptr, 0, firstSlash, "localhost")) hasDomain = true;
    if (hasDomain) {
      if (!isDomain(ptr, 0, firstSlash)) return null;
      dockerHub = equalsAscii(ptr, 0, firstSlash, "docker.io") || equalsAscii(ptr, 0, firstSlash, "index.docker.io");
    }
  }

  const pathStart = hasDomain ? firstSlash + 1 : 0;
  const components = countPathComponents(ptr, pathStart, nameEnd);
  if (components == 0) return null;

  // Docker Hub's domain, written out when implicit or legacy, and its "library/" namespace
  // for one-component names.
  let prefix = "";
  let nameStart = 0;
  if (dockerHub) {
    prefix = components == 1 ? DEFAULT_DOMAIN_OFFICIAL : DEFAULT_DOMAIN;
    nameStart = pathStart;
  }
  if (prefix.length + (nameEnd - nameStart) > MAX_REPOSITORY_BYTES) return null;

  if (at >= 0) return assemble(prefix, ptr, nameStart, nameEnd, at, length, "");
  if (hasTag) return assemble(prefix, ptr, nameStart, nameEnd, tagColon, nameAndTagEnd, "");
  return assemble(prefix, ptr, nameStart, nameEnd, -1, -1, DEFAULT_TAG_SUFFIX);
}

/** Returns the normalized form of an ASCII string, or null; used to validate restored snapshots. */
export function normalizeReferenceString(reference: string): string | null {
  const bytes = String.UTF8.encode(reference);
  return normalizeReference(changetype<usize>(bytes), bytes.byteLength);
}
