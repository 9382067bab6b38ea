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
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) >>> 0
  }
}

/** Upper-case hex of every byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'))

/** 8 upper-case hex characters of a 32-bit number. */
function hex8(n: number): string {
  return HEX[n >>> 24]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!
}

/** 35 upper-case hex characters from a source of 32-bit numbers: four whole numbers and the top 12 bits of a fifth. */
function hex35(next: () => number): string {
  const head = hex8(next()) + hex8(next()) + hex8(next()) + hex8(next())
  const last = next()
  return head + HEX[last >>> 24]! + HEX[(last >>> 16) & 255]![0]!
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
 * `pad` adds count-0 lines (random on every call, like the real padding). Built with byte-table hex
 * and one sort of the suffixes: the bench serves one of these per new password, on the same two cores
 * as the Worker it measures, where the real API is a CDN answer that costs this machine nothing.
 */
export function buildRange(prefix: string, known: ReadonlyMap<string, number>, pad: boolean): string {
  const upper = prefix.toUpperCase()
  const lines = fillerLines(upper)
  for (const [hash, count] of known) if (hash.startsWith(upper)) lines.set(hash.slice(5), count)
  if (pad) {
    const total = randomInt(800, 1001)
    while (lines.size < total) {
      // One random hex string cut into exactly the suffixes still wanted; a repeat (one in 16^35)
      // leaves a line missing, which the next round adds.
      const wanted = total - lines.size
      const hex = randomBytes(Math.ceil((wanted * 35) / 2)).toString('hex').toUpperCase()
      for (let at = 0; at + 35 <= hex.length; at += 35) {
        const suffix = hex.slice(at, at + 35)
        if (!lines.has(suffix)) lines.set(suffix, 0)
      }
    }
  }
  // Suffixes are upper-case hex of one length, so the default (UTF-16) sort is the numeric order.
  const suffixes = [...lines.keys()].sort()
  let body = ''
  for (let i = 0; i < suffixes.length; i++) body += `${i ? '\r\n' : ''}${suffixes[i]}:${lines.get(suffixes[i]!)}`
  return body
}
