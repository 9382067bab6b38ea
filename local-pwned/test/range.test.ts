/**
 * buildRange is written for speed (the bench serves one answer per new password on the cores it
 * measures), so it is checked against the plainest statement of the same answer, for arbitrary
 * prefixes and known hashes: the made-up entries, the known ones, the order, and what padding adds.
 * The oracle draws from the same seeded PRNG; what it restates is everything done with its numbers.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildRange, seeded } from '../range'

/** Oracle: each entry's 35 hex characters are five PRNG numbers in hex, cut to 35. */
function oracleUnpadded(prefix: string, known: ReadonlyMap<string, number>): string {
  const upper = prefix.toUpperCase()
  const next = seeded(Number.parseInt(upper, 16))
  const lines = new Map<string, number>()
  const n = 350 + (next() % 150)
  const hex35 = () => {
    let hex = ''
    for (let i = 0; i < 5; i++) hex += next().toString(16).padStart(8, '0')
    return hex.slice(0, 35).toUpperCase()
  }
  for (let i = 0; i < n; i++) {
    const suffix = hex35()
    lines.set(suffix, 1 + (next() % 5000))
  }
  for (const [hash, count] of known) if (hash.startsWith(upper)) lines.set(hash.slice(5), count)
  return [...lines.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([s, c]) => `${s}:${c}`)
    .join('\r\n')
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: length, maxLength: length })
const prefix = fc.oneof(hex(5), hex(5).map((p) => p.toLowerCase()))
/** Known hashes, some under the prefix being asked for. */
const knownFor = (p: string) =>
  fc.array(fc.tuple(fc.oneof(hex(35).map((s) => p.toUpperCase() + s), hex(40)), fc.integer({ min: 1, max: 10_000_000 })), { maxLength: 6 }).map((e) => new Map(e))

describe('buildRange', () => {
  it('without padding, is exactly the plain answer: seeded entries and known hashes, sorted, CRLF-joined', () => {
    fc.assert(fc.property(prefix.chain((p) => fc.tuple(fc.constant(p), knownFor(p))), ([p, known]) => {
      expect(buildRange(p, known, false)).toBe(oracleUnpadded(p, known))
    }), { numRuns: 60 })
  })

  it('with padding, adds only count-0 lines, up to 800–1,000 distinct lines in order', () => {
    fc.assert(fc.property(prefix.chain((p) => fc.tuple(fc.constant(p), knownFor(p))), ([p, known]) => {
      const plain = oracleUnpadded(p, known).split('\r\n')
      const padded = buildRange(p, known, true).split('\r\n')
      expect(padded.length).toBeGreaterThanOrEqual(Math.max(800, plain.length))
      expect(padded.length).toBeLessThanOrEqual(Math.max(1000, plain.length))
      expect([...padded].sort()).toEqual(padded)
      expect(new Set(padded.map((l) => l.slice(0, 35))).size).toBe(padded.length)
      for (const line of padded) expect(line).toMatch(/^[0-9A-F]{35}:\d+$/)
      expect(padded.filter((l) => !l.endsWith(':0'))).toEqual(plain)
    }), { numRuns: 60 })
  })

  it('pads differently on every call', () => {
    expect(buildRange('ABCDE', new Map(), true)).not.toBe(buildRange('ABCDE', new Map(), true))
  })
})
