/**
 * What a browser does with a redirect we build, written independently of src/lib/next-url.ts (only the
 * WHATWG URL parser, as browsers use), and generators of hostile `next` values, shared by the
 * property tests of the pure function and of the routes.
 */
import fc from 'fast-check'

/** Parameters that carry secrets in Supabase's flows (our own list, not the one under test). */
const SECRET_PARAMS = ['token_hash', 'token', 'code', 'access_token', 'refresh_token', 'provider_token', 'provider_refresh_token']

export const SELF = 'https://auth.example.com'
export const ALLOWED = ['https://www.example.com', 'https://app.example.com']
export const SEED = 20261129

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

export function violation(target: string): string | undefined {
  const url = browserLanding(target)
  if (!url) return 'does not parse'
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme ${url.protocol}`
  if (url.username || url.password) return 'userinfo'
  if (url.origin !== SELF && !ALLOWED.includes(url.origin)) return `lands on ${url.origin}`
  const fragment = new URLSearchParams(url.hash.slice(1))
  const leaked = SECRET_PARAMS.find((name) => url.searchParams.has(name) || fragment.has(name))
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
/** Mostly well-formed values (which the input checks let further in): slashes, hosts, dots, tokens. */
const cleanPieces = fc.constantFrom('/', '//', '///', 'evil.example', '127.0.0.1', 'a', 'b', '..', '.', '?x=1', '&y=2', '#f', '@', ':', ';', '?code=1', '#access_token=t')
const cleanish = fc
  .tuple(fc.constantFrom('', SELF, ...ALLOWED, 'http://auth.example.com', 'https://evil.example'), fc.array(cleanPieces, { minLength: 1, maxLength: 6 }))
  .map(([origin, parts]) => origin + parts.join(''))
export const anyNext = fc.oneof(
  { weight: 4, arbitrary: cleanish },
  { weight: 4, arbitrary: structured },
  { weight: 4, arbitrary: originThenPath },
  { weight: 3, arbitrary: pathOnly },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
)

