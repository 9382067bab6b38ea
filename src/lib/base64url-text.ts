/**
 * base64url → UTF-8 text through the runtime's native `atob` and `TextDecoder`, for @supabase/ssr's
 * `base64-` cookie values: ssr's own decoder works one character at a time in JavaScript and was a
 * seventh of the CPU of a page that reads the session. Deliberately strict: it accepts only unpadded
 * base64url that is valid UTF-8, where ssr's decoder gives the very same text, and returns undefined
 * for anything else (whitespace, `=`, bad UTF-8), which the caller then leaves to ssr as before.
 */

const base64UrlRe = /^[A-Za-z0-9_-]*$/
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Pure: the text `value` encodes, or undefined when this fast path does not apply. */
export function textFromBase64Url(value: string): string | undefined {
  // A length of 4n+1 leaves 6 bits: no byte, and atob refuses it (ssr would drop them).
  if (!base64UrlRe.test(value) || value.length % 4 === 1) return undefined
  try {
    const binary = atob(value.replaceAll('-', '+').replaceAll('_', '/'))
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return utf8.decode(bytes)
  } catch {
    return undefined // not valid UTF-8: ssr decides what that means
  }
}
