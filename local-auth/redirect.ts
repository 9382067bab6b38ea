/**
 * GoTrue's redirect_to rules (contract §8) as pure functions: same site as SITE_URL (any port on
 * loopback), loopback IP literals, or a GOTRUE_URI_ALLOW_LIST glob. An invalid value is silently replaced
 * by the next candidate (Referer) and finally SITE_URL; there is never an error. No I/O, no clock.
 */

const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0', '::', '[::]'])
const rawHostRe = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/
const plainHostnameRe = /^[A-Za-z0-9.-]+$/

/** The host as written (WHATWG URL would turn `2130706433` into `127.0.0.1`, GoTrue does not). */
function rawHostname(url: string): string | undefined {
  return rawHostRe.exec(url)?.[1]
}

function isLoopbackIpLiteral(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '')
  if (h === '::1') return true
  const parts = h.split('.')
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255) && parts[0] === '127'
}

const defaultPort = (u: URL) => u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '')

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

/** Is `redirect` an acceptable redirect target for this SITE_URL and allow-list? */
export function isRedirectAllowed(redirect: string, siteUrl: string, allowList: readonly string[]): boolean {
  if (!redirect) return false
  const host = rawHostname(redirect)
  if (host === undefined || /^\d+$/.test(host)) return false
  let url: URL
  try {
    url = new URL(redirect)
  } catch {
    return false
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !plainHostnameRe.test(host.replace(/^\[|\]$/g, '').replace(/:/g, ''))) {
    return false
  }
  if (isLoopbackIpLiteral(host)) return true
  try {
    const site = new URL(siteUrl)
    const sameHost = site.protocol === url.protocol && site.hostname === url.hostname
    if (sameHost && (defaultPort(site) === defaultPort(url) || loopbackHosts.has(url.hostname))) return true
  } catch {
    // an unparseable SITE_URL matches nothing
  }
  const withoutFragment = redirect.split('#')[0] as string
  return allowList.some((pattern) => compileGlob(pattern).test(withoutFragment))
}

/** First allowed candidate (redirect_to, then Referer), else SITE_URL. */
export function resolveRedirect(candidates: readonly (string | undefined | null)[], siteUrl: string, allowList: readonly string[]): string {
  for (const c of candidates) if (c && isRedirectAllowed(c, siteUrl, allowList)) return c
  return siteUrl
}
