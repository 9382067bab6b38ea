/**
 * Headers on every response: Hono's secureHeaders with a strict CSP (no inline anything), plus the
 * cache rules that keep session cookies out of shared caches (field notes §3.5) and HSTS on https.
 * `form-action` lists the allowed redirect origins because Chrome applies it to the redirect that
 * follows a form POST (our confirm POST 303s to `next`).
 */
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../app-env'
import { type Config, ConfigError, loadConfig } from '../config'
import { NO_STORE } from '../constants'

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const stock = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      // Runs before load-config; loadConfig is memoised, so this costs nothing extra.
      formAction: [(c) => formActionSources(loadConfig(c.env))],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: false, // set below, on https only
    xFrameOptions: 'DENY',
    crossOriginResourcePolicy: 'same-origin',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  })
  return async function securityHeaders_(c, next) {
    await stock(c, async () => {
      await next()
    })
    const headers = c.res.headers
    // Keep the stricter value @supabase/ssr hands to setAll when it did; otherwise ours.
    if (!headers.get('Cache-Control')?.includes('no-store')) headers.set('Cache-Control', NO_STORE)
    appendVary(headers, 'Cookie')
    headers.set('X-Robots-Tag', 'noindex, nofollow')
    if (new URL(c.req.url).protocol === 'https:') {
      headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
    }
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
