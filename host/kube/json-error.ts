// Positions and messages for JSON syntax errors. Node 20's JSON.parse reports no position for
// many errors and quotes the source in its message, so the reader finds the position itself.

/** Drops the source excerpt and offset that V8 puts into JSON.parse messages. The caller reports line and column instead. */
export function cleanJsonMessage(message: string): string {
  // V8 cuts long excerpts and marks the cut with "...".
  const unexpectedToken = /^(Unexpected token '.*?'), (?:\.\.\.)?".*" is not valid JSON$/s.exec(message);
  if (unexpectedToken?.[1] !== undefined) {
    return unexpectedToken[1];
  }
  return message.replace(/ (?:in JSON )?at position \d+.*$/s, "").replace(/\s+/g, " ");
}

/**
 * Returns the offset of the first JSON syntax error in text (RFC 8259 grammar), text.length when
 * the text ends early, or 0 when it finds none. Runs only after JSON.parse failed, which reports
 * no position for many errors in Node 20. Uses a stack, not recursion, so deep nesting cannot
 * overflow the call stack.
 */
export function findJsonErrorOffset(text: string): number {
  const closers: string[] = [];
  let offset = 0;

  const skipWhitespace = (): void => {
    while (offset < text.length && " \t\n\r".includes(text[offset]!)) {
      offset += 1;
    }
  };

  // Each scanner advances offset. On an error it stops at the bad character and returns false.
  const scanString = (): boolean => {
    offset += 1;
    while (offset < text.length) {
      const char = text[offset]!;
      if (char === '"') {
        offset += 1;
        return true;
      }
      if (char < " ") {
        return false;
      }
      if (char === "\\") {
        const escape = text[offset + 1];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(offset + 2, offset + 6))) {
            offset += 2;
            return false;
          }
          offset += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          offset += 2;
        } else {
          offset += 1;
          return false;
        }
      } else {
        offset += 1;
      }
    }
    return false;
  };

  const scanKey = (): boolean => {
    skipWhitespace();
    if (text[offset] !== '"' || !scanString()) {
      return false;
    }
    skipWhitespace();
    if (text[offset] !== ":") {
      return false;
    }
    offset += 1;
    return true;
  };

  const scalarPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

  for (;;) {
    // Expect a value.
    skipWhitespace();
    const char = text[offset];
    if (char === "{" || char === "[") {
      offset += 1;
      skipWhitespace();
      const closer = char === "{" ? "}" : "]";
      if (text[offset] !== closer) {
        closers.push(closer);
        if (closer === "}" && !scanKey()) {
          return offset;
        }
        continue;
      }
      offset += 1;
    } else if (char === '"') {
      if (!scanString()) {
        return offset;
      }
    } else {
      scalarPattern.lastIndex = offset;
      if (!scalarPattern.test(text)) {
        return offset;
      }
      offset = scalarPattern.lastIndex;
    }

    // After a value: close finished containers, then expect a comma or the end of the text.
    for (;;) {
      skipWhitespace();
      const closer = closers.at(-1);
      if (closer === undefined) {
        return offset < text.length ? offset : 0;
      }
      if (text[offset] === closer) {
        closers.pop();
        offset += 1;
        continue;
      }
      if (text[offset] !== ",") {
        return offset;
      }
      offset += 1;
      if (closer === "}" && !scanKey()) {
        return offset;
      }
      break;
    }
  }
}
