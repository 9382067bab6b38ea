/**
 * What several middleware read from the request's URL, read once per request: its scheme, which
 * decides `Secure` and the `__Host-` cookie prefix (over plain http, local development, browsers
 * refuse both, so the plain cookie names are used there), its hostname, which picks the site, and its
 * origin, which the redirect rule allows.
 * workerd builds a fresh string on every `request.url` read, and `new URL` parses it again each time.
 */
import type { Context } from 'hono'

/** The request's URL facts. */
export interface RequestUrl {
  readonly href: string
  readonly hostname: string
  readonly pathname: string
  /** `?…`, or '' when the URL has no query. */
  readonly search: string
  /** `https://host[:port]`: what the redirect rule calls this origin. */
  readonly origin: string
  readonly secure: boolean
}

const seen = new WeakMap<Request, RequestUrl>()

/** The URL facts of `request`, parsed on first use and remembered for the request's lifetime. */
export function requestUrl(request: Request): RequestUrl {
  let url = seen.get(request)
  if (!url) {
    const href = request.url
    const parsed = new URL(href)
    url = { href, hostname: parsed.hostname, pathname: parsed.pathname, search: parsed.search, origin: parsed.origin, secure: href.startsWith('https:') }
    seen.set(request, url)
  }
  return url
}

export function isSecureRequest(c: Context): boolean {
  return requestUrl(c.req.raw).secure
}
