/**
 * Small request helpers shared by the route modules: the redirect target GoTrue would use (header
 * `redirect_to`, else query, then Referer, then SITE_URL), throwing on a failed validation, and the
 * Email provider switch.
 * Kept out of redirect.ts so that one stays free of Hono types.
 */
import type { Context } from 'hono'
import type { AppEnv, LocalAuthContext } from '../context'
import { AuthError } from '../errors'
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

/**
 * The Email provider switched off (`emailProviderEnabled`): GoTrue's refusal, whose status depends on the
 * route (400 on /recover, /resend and /signup, 422 on the password grant and /otp), and whose message on
 * /signup says "signups" [auth:internal/api/middleware.go:230-231, signup.go:142-143, token.go:94-95].
 */
export function assertEmailProvider(ctx: LocalAuthContext, status: 400 | 422, message = 'Email logins are disabled'): void {
  if (!ctx.config.emailProviderEnabled) throw new AuthError(status, 'email_provider_disabled', message)
}
