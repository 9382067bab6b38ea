/**
 * GoTrue's `limitHandler` as Hono middleware: one token from the named per-IP bucket, or
 * 429 over_request_rate_limit "Request rate limit reached" [auth:internal/api/middleware.go:116-118,123-139].
 * A no-op while per-IP limits are off (the CLI stack). The key used is written to the request log.
 */
import type { MiddlewareHandler } from 'hono'
import { rateLimitKey } from './client-address'
import type { AppEnv, LocalAuthContext } from './context'
import { AuthError } from './errors'
import type { BucketName } from './limits'

/** 429 over_request_rate_limit, GoTrue's exact body. */
export const requestRateLimitReached = () => new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached')

/** Charge `name`'s bucket for this caller, or refuse. */
export function perIpLimit(ctx: LocalAuthContext, name: BucketName): MiddlewareHandler<AppEnv> {
  return async function perIpLimitMiddleware(c, next) {
    if (ctx.limits.settings.perIp) {
      const { key, forwarded } = rateLimitKey(ctx, c)
      const entry = c.get('logEntry')
      if (entry) entry.limit = { bucket: name, key, forwarded }
      if (!ctx.limits.take(name, key)) throw requestRateLimitReached()
    }
    await next()
  }
}
