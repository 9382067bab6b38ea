/**
 * Headers on every response: Hono's secureHeaders with a strict CSP (no inline anything), plus the
 * cache rules that keep session cookies out of shared caches (field notes §3.5) and HSTS on https.
 * `form-action` lists the allowed redirect origins because Chrome applies it to the redirect that
 * follows a form POST (our confirm POST 303s to `next`).
 */
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../app-env'
import { type Config, ConfigError } from '../config'
import { loadSiteConfig } from '../sites'
import { NO_STORE } from '../constants'

/** Hono's secureHeaders with this deployment's CSP; one instance per config, so no per-request CSP work. */
function stockHeadersFor(config: Config | ConfigError): MiddlewareHandler {
  let middleware = perConfig.get(config)
  if (!middleware) {
    middleware = secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", ...(config instanceof ConfigError ? [] : config.branding.imageOrigins)],
        formAction: [formActionSources(config)],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      strictTransportSecurity: false, // set below, on https only
      xFrameOptions: 'DENY',
      crossOriginResourcePolicy: 'same-origin',
      permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
    })
    perConfig.set(config, middleware)
  }
  return middleware
}

const perConfig = new WeakMap<Config | ConfigError, MiddlewareHandler>()

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeaders_(c, next) {
    // Runs before load-config; loadConfig is memoised per env, so this costs a map lookup.
    await stockHeadersFor(configOrFallback(c.env, new URL(c.req.url).hostname))(c, async () => {
      await next()
    })
    const headers = c.res.headers
    // Keep the stricter value @supabase/ssr hands to setAll when it did; otherwise ours. Content-hashed
    // assets (immutable, no cookies read) are the one thing a cache may keep.
    const cacheControl = headers.get('Cache-Control') ?? ''
    if (!cacheControl.includes('no-store') && !cacheControl.includes('immutable')) headers.set('Cache-Control', NO_STORE)
    appendVary(headers, 'Cookie')
    headers.set('X-Robots-Tag', 'noindex, nofollow')
    if (c.req.url.startsWith('https:')) {
      headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
    }
  }
}

/** Bindings that cannot even be read still get the headers (on the error page app.onError renders). */
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
