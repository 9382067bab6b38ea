/**
 * Plain http is for local development only (lib/local-host.ts): a local hostname, or a client on this
 * machine (`wrangler dev --host auth.brand-a.com` or an `--env` with routes puts the production hostname
 * in the URL; Miniflare sets CF-Connecting-IP from the socket, and in production Cloudflare sets it to
 * the visitor's address, never a loopback one). Anywhere else a request over http is answered 308 to the
 * same address over https, on the default port (Cloudflare serves https on other ports than http's),
 * before any cookie is set or any session read: otherwise a first visit over http (no HSTS yet, no
 * "Always Use HTTPS" on the zone, a downgrading network) would run the whole flow in cleartext, with
 * session cookies that lack `Secure`.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { isLocalHost, isLoopbackAddress } from '../lib/local-host'
import { requestUrl } from '../lib/secure-request'

export function httpsOnly(): MiddlewareHandler<AppEnv> {
  return async function httpsOnly_(c, next) {
    const url = requestUrl(c.req.raw)
    if (url.secure || isLocalHost(url.hostname) || isLoopbackAddress(c.req.header('cf-connecting-ip'))) return next()
    c.set('reason', 'https_required')
    // The same host, path and query over https: the host is the one this request named, nothing else.
    return c.redirect(`https://${url.hostname}${url.pathname}${url.search}`, 308)
  }
}
