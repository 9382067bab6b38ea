/**
 * GoTrue's `limitHandler` as Hono middleware: one token from the named per-IP bucket, or
 * 429 over_request_rate_limit "Request rate limit reached" [auth:internal/api/middleware.go:116-118,123-139].
 * A request keyed by Sb-Forwarded-For is always charged; any other only while `perIp` (the rate-limit
 * header) is on, so with both off (the CLI stack) this is a no-op. The key used is written to the request log.
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
    const { key, forwarded } = rateLimitKey(ctx, c)
    // A parsed Sb-Forwarded-For address is limited on before, and regardless of, GOTRUE_RATE_LIMIT_HEADER
    // [auth:internal/api/middleware.go:123-133]; without one only the header would count [middleware.go:73-78].
    if (forwarded || ctx.limits.settings.perIp) {
      const entry = c.get('logEntry')
      if (entry) entry.limit = { bucket: name, key, forwarded }
      if (!ctx.limits.take(name, key)) throw requestRateLimitReached()
    }
    await next()
  }
}
