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

/**
 * A whole range answer in shape: `SUFFIX:COUNT` lines, LF or CRLF, at most one line break at the end.
 * One anchored pass over the body; the suffix search below relies on it (every `:` in a well-formed
 * answer comes right after a line's 35 hex characters).
 */
const rangeBodyRe = /^(?:[0-9A-Fa-f]{35}:\d{1,12}\r?\n)*[0-9A-Fa-f]{35}:\d{1,12}\r?\n?$/

/**
 * Pure: how many times `suffix` appears in a range answer (`SUFFIX:COUNT` lines, CRLF or LF, any
 * case). Padding lines (count 0, `Add-Padding: true`) are ordinary lines that never match a real hash
 * and add 0 even if they did. An empty answer, or any line out of shape, makes the whole answer
 * malformed. One shape check, then a plain search: the body is public (anyone may fetch the same
 * range), so how long the search takes reveals nothing the range itself does not.
 */
export function lookUpSuffix(body: string, suffix: string): RangeLookup {
  if (body.length === 0 || body.length > MAX_RANGE_BYTES || suffix.length !== RANGE_SUFFIX_LENGTH) return { ok: false }
  if (!rangeBodyRe.test(body)) return { ok: false }
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
