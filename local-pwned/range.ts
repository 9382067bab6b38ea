/**
 * Pure range answers, shaped like Pwned Passwords' `GET /range/{prefix}`: upper-case `SUFFIX:COUNT`
 * lines joined by CRLF, sorted by suffix. Each prefix gets a few hundred made-up breached suffixes
 * (deterministic, non-zero counts, so a client that counts any line as a match is caught), the known
 * breached passwords that fall under it, and with padding, random count-0 lines up to a random total
 * of 800–1,000 lines, as the real API does for `Add-Padding: true`.
 * https://www.troyhunt.com/enhancing-pwned-passwords-privacy-with-padding/
 */
import { createHash, randomBytes, randomInt } from 'node:crypto'

export const PREFIX_RE = /^[0-9A-F]{5}$/i

/** SHA-1 of the UTF-8 password, upper-case hex (what Pwned Passwords indexes). */
export function sha1Hex(password: string): string {
  return createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase()
}

/** Made-up breached suffixes under a prefix, the same on every call. */
function fillerLines(prefix: string): Map<string, number> {
  const lines = new Map<string, number>()
  const n = 350 + (Number.parseInt(sha1Hex(`size:${prefix}`).slice(0, 2), 16) % 150)
  for (let i = 0; i < n; i++) {
    const hex = sha1Hex(`filler:${prefix}:${i}`)
    lines.set(hex.slice(0, 35), 1 + (Number.parseInt(hex.slice(35), 16) % 5000))
  }
  return lines
}

/**
 * The answer body for `prefix` (already validated): `known` maps full SHA-1 hex to counts;
 * `pad` adds count-0 lines.
 */
export function buildRange(prefix: string, known: ReadonlyMap<string, number>, pad: boolean): string {
  const upper = prefix.toUpperCase()
  const lines = fillerLines(upper)
  for (const [hash, count] of known) if (hash.startsWith(upper)) lines.set(hash.slice(5), count)
  if (pad) {
    const total = randomInt(800, 1001)
    while (lines.size < total) {
      const suffix = randomBytes(18).toString('hex').toUpperCase().slice(0, 35)
      if (!lines.has(suffix)) lines.set(suffix, 0)
    }
  }
  return [...lines.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([suffix, count]) => `${suffix}:${count}`)
    .join('\r\n')
}
