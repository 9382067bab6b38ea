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

const SELF = 'https://auth.example.com'
const ALLOWED = ['https://www.example.com', 'https://app.example.com']
const SEED = 20261129
const RUNS = 10_000

const options = { selfOrigin: SELF, allowedOrigins: ALLOWED, fallback: '/account/update-password' }

/** Where a browser on /auth/confirm goes when answered `Location: target` (WHATWG URL, as browsers parse). */
function browserLanding(target: string): URL | undefined {
  // Browsers strip leading/trailing C0 controls and spaces and drop tabs and newlines while parsing;
  // the URL parser does the same, so resolving is enough.
  try {
    return new URL(target, `${SELF}/auth/confirm?token_hash=pkce_x&type=recovery`)
  } catch {
    return undefined
  }
}

function violation(target: string): string | undefined {
  const url = browserLanding(target)
  if (!url) return 'does not parse'
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme ${url.protocol}`
  if (url.username || url.password) return 'userinfo'
  if (url.origin !== SELF && !ALLOWED.includes(url.origin)) return `lands on ${url.origin}`
  const fragment = new URLSearchParams(url.hash.slice(1))
  const leaked = TOKEN_PARAMS.find((name) => url.searchParams.has(name) || fragment.has(name))
  if (leaked) return `carries ${leaked}`
  // Headers cannot carry these; a Location with them would be a 500, or rewritten by the browser.
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return 'control character or backslash'
  return undefined
}

// Pieces attackers combine: schemes and slashes, hosts (ours, allowed, evil, look-alikes), encodings.
const schemes = fc.constantFrom(
  'https://', 'http://', 'HTTPS://', 'https:', 'https:/', 'https:///', '//', '///', '/\\', '\\\\', '\\/', '/', '',
  'javascript:', 'data:', 'vbscript:', ' https://', '\thttps://', 'https:\\\\', 'blob:https://', '%2f%2f', '/%2f', '/%09/',
)
const hosts = fc.constantFrom(
  'auth.example.com', 'www.example.com', 'app.example.com', 'evil.example', 'auth.example.com.evil.example',
  'auth.example.com@evil.example', 'evil.example\\@auth.example.com', 'evil.example#@auth.example.com',
  'www.example.com:443', 'www.example.com:8443', 'WWW.example.com', 'аuth.example.com', 'xn--uth-8cd.example.com',
  '127.0.0.1', '[::1]', 'auth.example.com%2f@evil.example', 'auth.example.com/\\evil.example', 'auth.example.com\tevil.example',
  'user:pass@www.example.com', '', '.', '..',
)
const pathPieces = fc.constantFrom(
  '/', '//', '///', '/\\', '\\', '%2f', '%2F', '%5c', '%5C', '%09', '%0d%0a', '%00', '%', '%zz', '..', '.', '@', '?', '#',
  '&', '=', 'evil.example', 'account', 'update-password', '\t', '\n', '\r', ' ', '\u00a0', '\u2028', '\ufeff', 'é', '🙂',
  '?token_hash=abc', '?code=1', '&refresh_token=r', '#access_token=a&x=1', '?provider_token=p', '#refresh_token=r',
  '?next=//evil.example', ':', ';', '%252f', '/./', '/../', '%2e%2e', 'javascript:alert(1)',
)
const structured = fc
  .tuple(schemes, hosts, fc.array(fc.oneof(pathPieces, fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 8 }))
  .map(([scheme, host, parts]) => scheme + host + parts.join(''))
const slashes = fc.constantFrom('/', '//', '///', '\\', '/\\', '\\/', '/%2f', '%2f')
const pathOnly = fc
  .array(fc.oneof({ weight: 3, arbitrary: slashes }, { weight: 3, arbitrary: pathPieces }, { weight: 2, arbitrary: hosts }, { weight: 1, arbitrary: fc.webSegment() }), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => parts.join(''))
/** An origin we trust (or its http twin) followed by a hostile path: the shape of the finding. */
const originThenPath = fc
  .tuple(fc.constantFrom(SELF, ...ALLOWED, 'http://auth.example.com', `${SELF}:443`), pathOnly)
  .map(([origin, path]) => origin + path)
const anyNext = fc.oneof(
  { weight: 4, arbitrary: structured },
  { weight: 4, arbitrary: originThenPath },
  { weight: 3, arbitrary: pathOnly },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
)

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
