/**
 * Small request helpers shared by the route modules: the redirect target GoTrue would use (header
 * `redirect_to`, else query, then Referer, then SITE_URL) and throwing on a failed validation.
 * Kept out of redirect.ts so that one stays free of Hono types.
 */
import type { Context } from 'hono'
import type { AppEnv, LocalAuthContext } from '../context'
import type { AuthError } from '../errors'
import { resolveRedirect } from '../redirect'

/**
 * GoTrue's `GetReferrer` for this request. A non-empty `redirect_to` header shadows the query value even
 * when it is invalid: that one candidate is checked, then Referer [auth:internal/utilities/request.go:75-89,142-152].
 */
export function requestRedirect(ctx: LocalAuthContext, c: Context<AppEnv>): string {
  return resolveRedirect(
    [c.req.header('redirect_to') || c.req.query('redirect_to'), c.req.header('Referer')],
    ctx.config.siteUrl,
    ctx.config.uriAllowList,
  )
}

/** Unwrap a validation result or throw its error. */
export function unwrap<T extends object>(result: ({ ok: true } & T) | { ok: false; error: AuthError }): T {
  if (!result.ok) throw result.error
  return result
}
