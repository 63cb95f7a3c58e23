/** What SQS can store as text: its character rule, and the one lossless way to meet it for JSON. */

/**
 * SQS accepts only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF. Valid JSON decoded from
 * valid UTF-8 can break that rule in one way only: a raw U+FFFE or U+FFFF inside a string. Writing
 * those as JSON escapes keeps the same JSON value; every other body goes out byte for byte.
 */
export function toSqsText(json: string): string {
  return /[\uFFFE\uFFFF]/.test(json) ? json.replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`) : json;
}

/** Any character SQS refuses in a message body or attribute value. */
export const SQS_REFUSES = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
