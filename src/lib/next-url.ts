/**
 * Decides where a `next` parameter may send someone. Pure: no I/O, no clock.
 * Accepts a path on this site, or an absolute http(s) URL on an allowed origin; anything odd
 * falls back to the default instead of failing (a bad `next` should not cost a valid link).
 * The input checks are strict, but safety does not rest on them: every target is checked on the way
 * out by `isAllowedTarget`, which resolves it the way a browser resolves a `Location` header.
 * Strict on purpose: a legitimate `next` we refuse costs one redirect; one we wrongly accept is a phishing hop.
 */
import { MAX_NEXT_LENGTH } from '../constants'

export interface TargetOptions {
  /** This Worker's own origin, e.g. https://auth.example.com. */
  readonly selfOrigin: string
  /** Other origins allowed as targets (SITE_URL's origin and ALLOWED_REDIRECT_ORIGINS). */
  readonly allowedOrigins: readonly string[]
}

export interface NextOptions extends TargetOptions {
  /** What to use when `next` is missing or refused: a path or an absolute URL we built. */
  readonly fallback: string
}

export type NextDecision =
  | { readonly target: string; readonly refused?: undefined }
  | { readonly target: string; readonly refused: NextRefusal }

export type NextRefusal =
  | 'too_long'
  | 'bad_characters'
  | 'encoded_separator'
  | 'protocol_relative'
  | 'not_http'
  | 'userinfo'
  | 'origin_not_allowed'
  | 'not_canonical'
  | 'unsafe_target'

/** Query parameters that carry secrets; they never travel on into a redirect we build. */
export const TOKEN_PARAMS: readonly string[] = ['token_hash', 'token', 'code', 'access_token', 'refresh_token', 'provider_token', 'provider_refresh_token']

/** Control characters, whitespace (including Unicode spaces), backslashes. */
const badCharactersRe = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/
/** Percent-encoded slash, backslash, control characters, or a malformed escape. */
const encodedTrickRe = /%(2f|5c|[01][0-9a-f]|7f)|%(?![0-9a-f]{2})/i
const absoluteHttpRe = /^https?:\/\//
/** A path a browser reads as a path: one slash, then anything but a second slash or a backslash. */
const plainPathRe = /^\/(?![/\\])/

/** Pure: resolve a raw `next` value to a safe redirect target. */
export function resolveNext(raw: string | undefined | null, options: NextOptions): NextDecision {
  if (raw === undefined || raw === null || raw === '') return { target: options.fallback }
  const refuse = (refused: NextRefusal): NextDecision => ({ target: options.fallback, refused })
  const candidate = candidateTarget(raw, options)
  if (typeof candidate !== 'string') return refuse(candidate.refused)
  // This Worker's own front page is nobody's destination: it is what an email's `{{ .RedirectTo }}`
  // holds when the app asked for none and the project's Site URL is this Worker. Same as no `next`.
  if (candidate === '/') return { target: options.fallback }
  // The one rule every output obeys, whatever the input checks above let through.
  return isAllowedTarget(candidate, options) ? { target: candidate } : refuse('unsafe_target')
}

/**
 * Pure: `next` as a form carries it on to its POST: a value over MAX_NEXT_LENGTH, refused whatever it
 * says, is left out, so a hostile link's 15 KB does not come back in the page.
 */
export function carriedNext(raw: string | undefined): string | undefined {
  return raw !== undefined && raw.length <= MAX_NEXT_LENGTH ? raw : undefined
}

/** The input checks: a canonical path or an absolute URL on an allowed origin, token parameters removed. */
function candidateTarget(raw: string, options: TargetOptions): string | { refused: NextRefusal } {
  if (raw.length > MAX_NEXT_LENGTH) return { refused: 'too_long' }
  if (badCharactersRe.test(raw)) return { refused: 'bad_characters' }
  if (encodedTrickRe.test(raw)) return { refused: 'encoded_separator' }

  if (raw.startsWith('/')) {
    if (raw.startsWith('//')) return { refused: 'protocol_relative' }
    const url = new URL(raw, options.selfOrigin)
    if (url.origin !== options.selfOrigin) return { refused: 'origin_not_allowed' }
    if (url.pathname + url.search + url.hash !== raw) return { refused: 'not_canonical' }
    stripTokens(url)
    return url.pathname + url.search + url.hash
  }

  if (!absoluteHttpRe.test(raw)) return { refused: 'not_http' }
  if (!URL.canParse(raw)) return { refused: 'not_canonical' }
  const url = new URL(raw)
  if (url.username || url.password) return { refused: 'userinfo' }
  if (url.origin !== options.selfOrigin && !options.allowedOrigins.includes(url.origin)) {
    return { refused: 'origin_not_allowed' }
  }
  const bareOrigin = url.pathname === '/' && !url.search && !url.hash && raw === url.origin
  if (url.href !== raw && !bareOrigin) return { refused: 'not_canonical' }
  stripTokens(url)
  if (url.origin !== options.selfOrigin) return url.href
  // On our own origin we answer with the path, which must not read as `//host` (scheme-relative).
  if (url.pathname.startsWith('//')) return { refused: 'protocol_relative' }
  return url.pathname + url.search + url.hash
}

/**
 * Pure: the invariant on every redirect and link target we build. A browser resolving `target`
 * against this Worker's origin lands on this origin or an allowed one, over http(s), with no
 * userinfo and no token parameter (query or fragment); the text itself has no control characters,
 * spaces or backslashes (which browsers strip or rewrite) and is either an absolute URL or a path
 * that starts with exactly one slash, in either case in the URL parser's own (canonical, ASCII) form.
 */
export function isAllowedTarget(target: string, options: TargetOptions): boolean {
  if (target.length === 0 || target.length > MAX_NEXT_LENGTH || badCharactersRe.test(target)) return false
  const absolute = absoluteHttpRe.test(target)
  if (!absolute && !plainPathRe.test(target)) return false
  if (!URL.canParse(target, options.selfOrigin)) return false
  const url = new URL(target, options.selfOrigin)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false
  if (url.username || url.password) return false
  // Only the parser's own form: what a browser, a mail client and a log viewer all read alike (and
  // nothing for the runtime to re-encode in a `Location` header).
  if (absolute ? url.href !== target : url.pathname + url.search + url.hash !== target) return false
  if (url.origin !== options.selfOrigin && !options.allowedOrigins.includes(url.origin)) return false
  return !hasTokenParam(url)
}

function hasTokenParam(url: URL): boolean {
  const fragment = new URLSearchParams(url.hash.slice(1))
  return TOKEN_PARAMS.some((name) => url.searchParams.has(name) || fragment.has(name))
}

function stripTokens(url: URL): void {
  for (const name of TOKEN_PARAMS) url.searchParams.delete(name)
  // `URLSearchParams` re-serialises the query; drop a now-empty `?`.
  if (url.search === '?') url.search = ''
  // A fragment that reads as parameters carrying a token (implicit-flow style) is dropped whole.
  const fragment = new URLSearchParams(url.hash.slice(1))
  if (TOKEN_PARAMS.some((name) => fragment.has(name))) url.hash = ''
}
