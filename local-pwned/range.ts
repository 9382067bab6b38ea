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

/** mulberry32: a tiny seeded PRNG, so a prefix's made-up entries are the same on every call. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) >>> 0
  }
}

/** 35 upper-case hex characters from a source of 32-bit numbers. */
function hex35(next: () => number): string {
  let hex = ''
  for (let i = 0; i < 5; i++) hex += next().toString(16).padStart(8, '0')
  return hex.slice(0, 35).toUpperCase()
}

/** Made-up breached suffixes under a prefix (non-zero counts), the same on every call. */
function fillerLines(prefix: string): Map<string, number> {
  const next = seeded(Number.parseInt(prefix, 16))
  const lines = new Map<string, number>()
  const n = 350 + (next() % 150)
  for (let i = 0; i < n; i++) lines.set(hex35(next), 1 + (next() % 5000))
  return lines
}

/**
 * The answer body for `prefix` (already validated): `known` maps full SHA-1 hex to counts;
 * `pad` adds count-0 lines (random on every call, like the real padding).
 */
export function buildRange(prefix: string, known: ReadonlyMap<string, number>, pad: boolean): string {
  const upper = prefix.toUpperCase()
  const lines = fillerLines(upper)
  for (const [hash, count] of known) if (hash.startsWith(upper)) lines.set(hash.slice(5), count)
  if (pad) {
    const total = randomInt(800, 1001)
    const random = randomBytes(4 * 5 * (total - lines.size + 8))
    let offset = 0
    const next = () => {
      offset = (offset + 4) % random.length
      return random.readUInt32LE(offset)
    }
    while (lines.size < total) {
      const suffix = hex35(next)
      if (!lines.has(suffix)) lines.set(suffix, 0)
    }
  }
  return [...lines.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([suffix, count]) => `${suffix}:${count}`)
    .join('\r\n')
}
