/**
 * Headers on every response: a strict CSP (no inline styles; one inline script, allowed by its hash:
 * views/submit-guard.ts) and the rest of what Hono's
 * secureHeaders() sends by default, plus the cache rules that keep session cookies out of shared caches
 * (field notes §3.5) and HSTS on https. `form-action` lists the allowed redirect origins because Chrome
 * applies it to the redirect that follows a form POST (our confirm POST 303s to `next`).
 * The values depend only on the config, so they are built once per config, as a list the response
 * gets in one loop. Not secureHeaders() itself: it is general (CSP builders, nonce callbacks, options
 * merging per instance) and showed in request profiles; the header values below are the ones it sent.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { type Config, ConfigError } from '../config'
import { requestUrl } from '../lib/secure-request'
import { loadSiteConfig } from '../sites'
import { NO_STORE } from '../constants'
import { submitGuardSource } from '../views/submit-guard'

type HeaderList = ReadonlyArray<readonly [name: string, value: string]>

/** Everything set on every response for this config (HSTS aside, which depends on the request's scheme). */
function headersFor(config: Config | ConfigError, scriptSource: string): HeaderList {
  const csp = [
    "default-src 'none'",
    `script-src ${scriptSource}`,
    "style-src 'self'",
    ["img-src 'self'", ...(config instanceof ConfigError ? [] : config.branding.imageOrigins)].join(' '),
    `form-action ${formActionSources(config)}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ')
  return [
    // Hono secureHeaders' defaults (https://hono.dev/docs/middleware/builtin/secure-headers), two made stricter.
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Origin-Agent-Cluster', '?1'],
    // `strict-origin`: a Referer is this origin alone, never a path or query, so a page's token hash
    // reaches no one, not even other pages of the same origin (where the Worker is mounted on the main
    // site's host, its privacy page and analytics). Not `no-referrer`: under it browsers send `Origin:
    // null` with a form's POST (Fetch, "append a request Origin header"), and a browser without
    // Sec-Fetch-Site (Safari before 16.4) then fails the CSRF origin check on every form. Not
    // `same-origin`, which sends the full URL, token hash included, to every page of the origin.
    ['Referrer-Policy', 'strict-origin'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Download-Options', 'noopen'],
    ['X-Frame-Options', 'DENY'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
    ['Content-Security-Policy', csp],
    ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()'],
    ['X-Robots-Tag', 'noindex, nofollow'],
  ]
}

const perConfig = new WeakMap<Config | ConfigError, HeaderList>()

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeaders_(c, next) {
    // Runs before load-config; the deployment is memoised per env, so this costs two map lookups.
    const url = requestUrl(c.req.raw)
    const config = configOrFallback(c.env, url.hostname)
    let list = perConfig.get(config)
    if (!list) perConfig.set(config, (list = headersFor(config, await submitGuardSource())))
    await next()
    const headers = c.res.headers
    // Set after the handler, overwriting what it set (as secureHeaders did): these values always win.
    for (const [name, value] of list) headers.set(name, value)
    // Keep the stricter value @supabase/ssr hands to setAll when it did; otherwise ours. Content-hashed
    // assets (immutable, no cookies read) are the one thing a cache may keep, unless the answer sets a
    // cookie (`?lang=` on an asset URL): nothing that sets a cookie is ever cacheable, and it carries
    // the other two headers ssr hands to setAll, for caches that predate Cache-Control.
    const cacheControl = headers.get('Cache-Control') ?? ''
    const setsCookie = headers.has('Set-Cookie')
    if (!cacheControl.includes('no-store') && (setsCookie || !cacheControl.includes('immutable'))) headers.set('Cache-Control', NO_STORE)
    if (setsCookie) {
      if (!headers.has('Expires')) headers.set('Expires', '0')
      if (!headers.has('Pragma')) headers.set('Pragma', 'no-cache')
    }
    appendVary(headers, 'Cookie')
    if (url.secure) {
      headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
    }
  }
}

/**
 * The site's configuration; bindings that cannot even be read, or a hostname no site answers on, still
 * get the headers (with nothing but 'self' allowed) on the page that follows.
 */
const UNREADABLE = new ConfigError(['env'])
function configOrFallback(env: object, hostname: string): Config | ConfigError {
  try {
    return loadSiteConfig(env, hostname) ?? UNREADABLE
  } catch {
    return UNREADABLE
  }
}

function formActionSources(config: Config | ConfigError): string {
  return ["'self'", ...(config instanceof ConfigError ? [] : config.redirectOrigins)].join(' ')
}

function appendVary(headers: Headers, value: string): void {
  const current = headers.get('Vary')
  if (!current) headers.set('Vary', value)
  else if (!current.split(',').some((v) => v.trim().toLowerCase() === value.toLowerCase())) {
    headers.set('Vary', `${current}, ${value}`)
  }
}
