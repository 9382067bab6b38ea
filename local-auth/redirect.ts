/**
 * GoTrue's redirect_to rules (contract §8) as pure functions: same site as SITE_URL (any port on
 * a localhost name), loopback IP literals, or a GOTRUE_URI_ALLOW_LIST glob. An invalid value is silently replaced
 * by the next candidate (Referer) and finally SITE_URL; there is never an error. No I/O, no clock.
 */
import { goParseUrl } from './go-url'

const localhostVariants = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'])
/** GoTrue's `isLocalhost`: may change port on a same-site redirect [auth:internal/utilities/url_validator.go:72-94]. */
function isLocalhost(hostname: string): boolean {
  const lower = hostname.toLowerCase()
  return localhostVariants.has(lower) || lower.endsWith('.localhost')
}
const decimalIpAddressRe = /^[0-9]+$/
const regularHostnameRe = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/
const ipv4Re = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/

/**
 * Go `net.ParseIP(host)` then `IsLoopback()`: undefined when the host is no IP literal (IPv4 dotted
 * decimal without leading zeros, or IPv6 without a zone, which the WHATWG parser refuses too); else whether it is 127.0.0.0/8, ::1 or an
 * IPv4-mapped 127.x. IPv6 is checked and compressed by the WHATWG parser, which reads the same forms.
 */
function ipLoopback(host: string): boolean | undefined {
  if (ipv4Re.test(host)) return host.startsWith('127.')
  let canonical: string
  try {
    canonical = new URL(`http://[${host}]/`).hostname
  } catch {
    return undefined
  }
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical)
}

/** Compile a gobwas-style glob with `.` and `/` as separators into a RegExp. */
export function compileGlob(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*' && pattern[i + 1] === '*') {
      re += '.*'
      i++
    } else if (ch === '*') re += '[^./]*'
    else if (ch === '?') re += '[^./]'
    else if (ch === '{') {
      const end = pattern.indexOf('}', i)
      if (end === -1) re += '\\{'
      else {
        re += `(?:${pattern.slice(i + 1, end).split(',').map((alt) => alt.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})`
        i = end
      }
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/**
 * GoTrue's `IsRedirectURLValid`, in its order, on Go's URL parsing (go-url.ts): same scheme, host name as
 * written and port as written as SITE_URL (any port for a localhost name); else no decimal host; an IP
 * literal is allowed only as loopback, never through the allow-list; an http(s) host name must look
 * regular; then the allow-list globs, matched against the URL without its fragment
 * [auth:internal/utilities/request.go:94-139].
 */
export function isRedirectAllowed(redirect: string, siteUrl: string, allowList: readonly string[]): boolean {
  if (!redirect) return false
  const base = goParseUrl(siteUrl)
  const ref = goParseUrl(redirect)
  if (!base || !ref) return false
  if (base.hostname === ref.hostname && base.scheme === ref.scheme && (base.port === ref.port || isLocalhost(ref.hostname))) {
    return true
  }
  if (decimalIpAddressRe.test(ref.hostname)) return false
  const loopback = ipLoopback(ref.hostname)
  if (loopback !== undefined) return loopback
  if ((ref.scheme === 'http' || ref.scheme === 'https') && !regularHostnameRe.test(ref.hostname)) return false
  const withoutFragment = redirect.split('#')[0] as string
  return allowList.some((pattern) => compileGlob(pattern).test(withoutFragment))
}

/** First allowed candidate (redirect_to, then Referer), else SITE_URL. */
export function resolveRedirect(candidates: readonly (string | undefined | null)[], siteUrl: string, allowList: readonly string[]): string {
  for (const c of candidates) if (c && isRedirectAllowed(c, siteUrl, allowList)) return c
  return siteUrl
}
