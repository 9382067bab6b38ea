/**
 * Pure parts of the breached-password check (Pwned Passwords range API, k-anonymity): split a
 * password's SHA-1 into the 5-character prefix that may leave the Worker and the 35-character suffix
 * that never does, read a range answer, and decide. No I/O, no clock. A malformed answer is a
 * value, not a throw: the caller fails open.
 * https://haveibeenpwned.com/API/v3#SearchingPwnedPasswordsByRange
 */
/** Characters of the SHA-1 (upper-case hex) sent to the range API: 16^5 buckets of hundreds of hashes each. */
export const RANGE_PREFIX_LENGTH = 5

/** SHA-1 hex length minus the prefix: what each line of a range answer starts with. */
export const RANGE_SUFFIX_LENGTH = 35

/** Largest range answer we read. Real answers are ~30 KiB (800–1,000 lines of 37–45 bytes with padding). */
export const MAX_RANGE_BYTES = 256 * 1024

/** A password's SHA-1, split: only `prefix` ever leaves the Worker. */
export interface HashParts {
  readonly prefix: string
  readonly suffix: string
}

/** SHA-1 of the UTF-8 password (what Pwned Passwords indexes), upper-case hex, split. */
export async function hashForRange(password: string): Promise<HashParts> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(password)))
  let hex = ''
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0')
  hex = hex.toUpperCase()
  return { prefix: hex.slice(0, RANGE_PREFIX_LENGTH), suffix: hex.slice(RANGE_PREFIX_LENGTH) }
}

/** What a range answer says about one suffix, or that it could not be read. */
export type RangeLookup = { readonly ok: true; readonly count: number } | { readonly ok: false }

/** Anything but hex digits, colons and line breaks. */
const foreignCharRe = /[^0-9A-Fa-f:\r\n]/
/** A colon followed, on the same line, by something other than digits. */
const notCountRe = /:\d*[^\d\r\n]/
/** A CR that does not end a line. */
const strayCrRe = /\r(?!\n|$)/

/**
 * Pure: whether a whole range answer is in shape, i.e. matches
 * `^(?:[0-9A-Fa-f]{35}:\d{1,12}\r?\n)*[0-9A-Fa-f]{35}:\d{1,12}\r?\n?$` (LF or CRLF lines, at most one
 * line break at the end). Checked as three character-class scans and one length-and-colon check per
 * line, which cost workerd about half of what that anchored pattern does on a ~35 KB answer; the
 * pattern itself is the oracle of this function's property test. The suffix search relies on it:
 * every `:` in a well-formed answer comes right after a line's 35 hex characters.
 */
export function isRangeShape(body: string): boolean {
  if (foreignCharRe.test(body) || notCountRe.test(body) || strayCrRe.test(body)) return false
  const lines = body.split('\n')
  if (lines.at(-1) === '') lines.pop() // one trailing line break is fine
  if (lines.length === 0) return false
  for (const line of lines) {
    // With no stray CR, a CR can only end the line; with no colon followed by a non-digit, the line's
    // first colon at 35 means 35 hex characters before it and only digits after it.
    const length = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length
    if (length < RANGE_SUFFIX_LENGTH + 2 || length > RANGE_SUFFIX_LENGTH + 13 || line.charCodeAt(RANGE_SUFFIX_LENGTH) !== 58) return false
  }
  return true
}

/**
 * Pure: how many times `suffix` appears in a range answer (`SUFFIX:COUNT` lines, CRLF or LF, any
 * case). Padding lines (count 0, `Add-Padding: true`) are ordinary lines that never match a real hash
 * and add 0 even if they did. An empty answer, or any line out of shape, makes the whole answer
 * malformed. One shape check, then a plain search: the body is public (anyone may fetch the same
 * range), so how long the search takes reveals nothing the range itself does not.
 */
export function lookUpSuffix(body: string, suffix: string): RangeLookup {
  if (body.length === 0 || body.length > MAX_RANGE_BYTES || suffix.length !== RANGE_SUFFIX_LENGTH) return { ok: false }
  if (!isRangeShape(body)) return { ok: false }
  const haystack = body.toUpperCase()
  const needle = `${suffix.toUpperCase()}:`
  let count = 0
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    // In a well-formed answer every match starts a line; checked anyway, it costs nothing.
    if (at !== 0 && haystack.charCodeAt(at - 1) !== 10) continue
    const end = haystack.indexOf('\n', at)
    count += parseInt(haystack.slice(at + needle.length, end === -1 ? undefined : end), 10)
  }
  return { ok: true, count }
}

/** Pure: is a password seen `count` times refused? Never for 0 (padding, or not in the set). */
export function isBreached(count: number, minCount: number): boolean {
  return count > 0 && count >= minCount
}

/** How a check ended; `failed_*` let the reset continue (fail open). */
export type BreachCheckOutcome =
  | 'passed'
  | 'breached'
  | 'failed_timeout'
  | 'failed_network'
  | 'failed_status'
  | 'failed_malformed'

/** Pure: the fixed code logged for an outcome (`breach_check_failed_timeout`, …). */
export function breachCheckReason(outcome: BreachCheckOutcome): string {
  return `breach_check_${outcome}`
}
