/**
 * Plain http is for local development only (lib/local-host.ts). Anywhere else a request over http is
 * answered 308 to the same address over https before any cookie is set or any session read: otherwise
 * a first visit over http (no HSTS yet, no "Always Use HTTPS" on the zone, a downgrading network) would
 * run the whole flow in cleartext, with session cookies that lack `Secure`.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { isLocalHost } from '../lib/local-host'
import { requestUrl } from '../lib/secure-request'

export function httpsOnly(): MiddlewareHandler<AppEnv> {
  return async function httpsOnly_(c, next) {
    const url = requestUrl(c.req.raw)
    if (url.secure || isLocalHost(url.hostname)) return next()
    c.set('reason', 'https_required')
    // The same address with the scheme changed: the host is the one this request named, nothing else.
    return c.redirect(`https:${url.href.slice('http:'.length)}`, 308)
  }
}
