/**
 * The redirect rule as an invariant on outputs, checked with generated input (fast-check): whatever
 * `next` a link carries, the target resolveNext returns, resolved the way a browser resolves a
 * `Location` header against the page that sent it, lands on this Worker's origin or an allowed one,
 * over http(s), without userinfo or token parameters. The oracle below is written independently of
 * src/lib/next-url.ts (it only uses the WHATWG URL parser, as browsers do), so a bug in the
 * function's own output check cannot hide a bug in its input checks.
 * The seed is fixed (reproducible in CI); fast-check prints it and the failing path on failure.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAllowedTarget, resolveNext, TOKEN_PARAMS } from '../src/lib/next-url'
import { ALLOWED, anyNext, SEED, SELF, violation } from './redirect-oracle'

const RUNS = 10_000
const options = { selfOrigin: SELF, allowedOrigins: ALLOWED, fallback: '/account/update-password' }

describe('every redirect resolveNext builds', () => {
  it(`lands on this origin or an allowed one, with no tokens (${RUNS} generated values of next)`, () => {
    fc.assert(
      fc.property(anyNext, (raw) => {
        const { target } = resolveNext(raw, options)
        const problem = violation(target)
        if (problem) throw new Error(`next=${JSON.stringify(raw)} → ${JSON.stringify(target)}: ${problem}`)
      }),
      { numRuns: RUNS, seed: SEED },
    )
  })

  it('is also what isAllowedTarget accepts, and isAllowedTarget accepts nothing the browser would misroute', () => {
    fc.assert(
      fc.property(anyNext, (raw) => {
        expect(isAllowedTarget(resolveNext(raw, options).target, options)).toBe(true)
        // The output check on its own: whatever it lets through is safe by the independent oracle.
        if (isAllowedTarget(raw, options)) expect(violation(raw)).toBeUndefined()
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    )
  })

  it('accepts an absolute URL only in its canonical form (what every parser reads the same way)', () => {
    // `https://WWW.example.com:443/a/../b` lands where a browser resolves it, but other readers of a
    // link (mail clients, proxies, log viewers) may not normalise it alike; the rule takes the form
    // the URL parser would print, and nothing else.
    const nonCanonical = fc
      .tuple(fc.constantFrom('https://WWW.example.com', 'https://www.example.com:443', `${SELF}:443`, 'HTTPS://app.example.com'), fc.constantFrom('', '/a/../b', '/./x', '/%7euser', '/x?y'))
      .map(([origin, path]) => origin + path)
    fc.assert(
      fc.property(fc.oneof(anyNext, nonCanonical), (raw) => {
        if (/^https?:\/\//i.test(raw) && isAllowedTarget(raw, options)) expect(new URL(raw).href).toBe(raw)
      }),
      { numRuns: RUNS, seed: SEED + 3 },
    )
    expect(isAllowedTarget('https://www.example.com:443/x', options)).toBe(false)
    expect(isAllowedTarget('https://www.example.com/x', options)).toBe(true)
  })

  it('accepts a path only in the parser’s own form (no raw non-ASCII, dot segments or empty markers)', () => {
    // `/café`, `/a/../b` or `/x?` land somewhere a browser decides, after re-encoding or normalising;
    // the rule takes the form the URL parser would print, as for absolute URLs.
    const nonCanonical = fc
      .tuple(fc.constantFrom('/café', '/a/../b', '/./x', '/x?', '/x#', '/x?q=é', '/x#ü', '/日本'), fc.constantFrom('', '/y', '?z=1'))
      .map(([path, tail]) => path + tail)
    fc.assert(
      fc.property(fc.oneof(anyNext, nonCanonical), (raw) => {
        if (raw.startsWith('/') && isAllowedTarget(raw, options)) {
          const url = new URL(raw, SELF)
          expect(url.pathname + url.search + url.hash).toBe(raw)
        }
      }),
      { numRuns: RUNS, seed: SEED + 4 },
    )
    for (const raw of ['/café', '/a/../b', '/x?', '/x#']) expect(isAllowedTarget(raw, options), raw).toBe(false)
    expect(isAllowedTarget('/caf%C3%A9?q=%C3%A9#%C3%BC', options)).toBe(true)
  })

  it('keeps legitimate targets: plain paths and allowed URLs come out unchanged', () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/)
    const safePath = fc
      .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.option(fc.tuple(segment, segment).filter(([key]) => !TOKEN_PARAMS.includes(key))))
      .map(([parts, query]) => `/${parts.join('/')}${query ? `?${query[0]}=${query[1]}` : ''}`)
    const safeTarget = fc.oneof(
      safePath,
      fc.tuple(fc.constantFrom(...ALLOWED), safePath).map(([origin, path]) => origin + path),
    )
    fc.assert(
      fc.property(safeTarget, (raw) => {
        const decision = resolveNext(raw, options)
        expect(decision.refused).toBeUndefined()
        expect(decision.target).toBe(raw)
      }),
      { numRuns: 2_000, seed: SEED + 2 },
    )
  })
})
