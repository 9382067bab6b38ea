/**
 * Decides where a `next` parameter may send someone. Pure: no I/O, no clock.
 * Accepts a path on this site, or an absolute http(s) URL on an allowed origin; anything odd
 * falls back to the default instead of failing (a bad `next` should not cost a valid link).
 * Strict on purpose: a legitimate `next` we refuse costs one redirect; one we wrongly accept is a phishing hop.
 */
import { MAX_NEXT_LENGTH } from '../constants'

export interface NextOptions {
  /** This Worker's own origin, e.g. https://auth.example.com. */
  readonly selfOrigin: string
  /** Other origins allowed as targets (SITE_URL's origin and ALLOWED_REDIRECT_ORIGINS). */
  readonly allowedOrigins: readonly string[]
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

/** Query parameters that carry secrets; they never travel on into a redirect we build. */
const TOKEN_PARAMS = ['token_hash', 'token', 'code', 'access_token', 'refresh_token', 'provider_token']

/** Control characters, whitespace (including Unicode spaces), backslashes. */
const badCharactersRe = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/
/** Percent-encoded slash, backslash, control characters, or a malformed escape. */
const encodedTrickRe = /%(2f|5c|[01][0-9a-f]|7f)|%(?![0-9a-f]{2})/i
const absoluteHttpRe = /^https?:\/\//

/** Pure: resolve a raw `next` value to a safe redirect target. */
export function resolveNext(raw: string | undefined | null, options: NextOptions): NextDecision {
  if (raw === undefined || raw === null || raw === '') return { target: options.fallback }
  const refuse = (refused: NextRefusal): NextDecision => ({ target: options.fallback, refused })
  if (raw.length > MAX_NEXT_LENGTH) return refuse('too_long')
  if (badCharactersRe.test(raw)) return refuse('bad_characters')
  if (encodedTrickRe.test(raw)) return refuse('encoded_separator')

  if (raw.startsWith('/')) {
    if (raw.startsWith('//')) return refuse('protocol_relative')
    const url = new URL(raw, options.selfOrigin)
    if (url.origin !== options.selfOrigin) return refuse('origin_not_allowed')
    if (url.pathname + url.search + url.hash !== raw) return refuse('not_canonical')
    stripTokens(url)
    return { target: url.pathname + url.search + url.hash }
  }

  if (!absoluteHttpRe.test(raw)) return refuse('not_http')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuse('not_canonical')
  }
  if (url.username || url.password) return refuse('userinfo')
  if (url.origin !== options.selfOrigin && !options.allowedOrigins.includes(url.origin)) {
    return refuse('origin_not_allowed')
  }
  const bareOrigin = url.pathname === '/' && !url.search && !url.hash && raw === url.origin
  if (url.href !== raw && !bareOrigin) return refuse('not_canonical')
  stripTokens(url)
  return { target: url.origin === options.selfOrigin ? url.pathname + url.search + url.hash : url.href }
}

function stripTokens(url: URL): void {
  for (const name of TOKEN_PARAMS) url.searchParams.delete(name)
  // `URLSearchParams` re-serialises the query; drop a now-empty `?`.
  if (url.search === '?') url.search = ''
}
