/**
 * GET /auth/v1/verify (contract §6.2), the email-link target: consumes the token and answers 303 to
 * redirect_to with the session in the fragment (implicit) or `?code=` (PKCE, `pkce_` token). Failures
 * redirect with error/error_code/error_description in the fragment (and the query for PKCE); only missing
 * parameters are JSON errors. A failure changes nothing, as GoTrue's transaction rolls back.
 * HEAD spends nothing (405) but is charged to the per-IP verify bucket, like every method on the mount.
 */
import { Hono } from 'hono'
import type { AppEnv, LocalAuthContext } from '../context'
import { flowMethodByType } from '../email-tokens'
import { badRequest, plainError } from '../errors'
import { goEncodeValues, goSetFragment, goSetQuery } from '../go-url'
import { perIpLimit } from '../rate-limit'
import { issueSession } from '../sessions'
import { consumeVerification, findByTokenHash, isFirstOfTwo, isVerifyType, SINGLE_CONFIRMATION_ACCEPTED } from '../verification'
import { requestRedirect } from './helpers'

const oauthErrorByStatus: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized_client',
  403: 'access_denied',
  500: 'server_error',
  503: 'temporarily_unavailable',
}

/** Where a failed verification sends the browser (pure). */
export function errorRedirectUrl(redirectTo: string, isPkce: boolean, status: number, code: string, description: string): string {
  const params: [string, string][] = []
  const word = oauthErrorByStatus[status]
  if (word) params.push(['error', word])
  params.push(['error_code', code], ['error_description', description])
  const url = isPkce ? goSetQuery(redirectTo, Object.fromEntries(params)) : redirectTo
  return goSetFragment(url, [...params, ['sb', '']])
}

const AUTHENTICATION_METHODS = new Set([
  'oauth', 'password', 'otp', 'totp', 'recovery', 'invite', 'sso/saml', 'magiclink', 'email/signup', 'email_change',
  'token_refresh', 'mfa/phone', 'mfa/webauthn', 'web3', 'oauth_provider/authorization_code', 'passkey',
])
/** Go `models.ParseAuthenticationMethod` succeeds: a known method, or anything ending in "signup". */
const isAuthenticationMethod = (type: string) => type.endsWith('signup') || AUTHENTICATION_METHODS.has(type)

/** GET /verify. */
export function verifyGetRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>().get('/verify', perIpLimit(ctx, 'verify'), async (c) => {
    // Hono answers HEAD with the GET route; chi does not, so GoTrue's answer is an empty 405 after the
    // limiter has run (the limiter wraps the whole /verify mount) [auth:internal/api/api.go:270-273].
    if (c.req.raw.method === 'HEAD') return c.body(null, 405, { Allow: 'GET, POST' })
    const type = c.req.query('type') ?? ''
    const token = c.req.query('token') ?? ''
    if (!type) throw badRequest('validation_failed', 'Verify requires a verification type')
    if (!token) throw badRequest('validation_failed', 'Verify requires a token or a token hash')
    const redirectTo = requestRedirect(ctx, c)
    const isPkce = token.startsWith('pkce_')
    const fail = (status: number, code: string, description: string) =>
      c.redirect(errorRedirectUrl(redirectTo, isPkce, status, code, description), 303)

    // ParseAuthenticationMethod knows more methods than /verify has types; only an unknown one is its plain error [auth:internal/models/factor.go:111-150, verify.go:137-143].
    if (isPkce && !isAuthenticationMethod(type)) throw plainError()
    if (!isVerifyType(type)) return fail(400, 'validation_failed', 'Invalid email verification type')
    const found = findByTokenHash(ctx, type, token)
    if (!found.ok) {
      return found.reason === 'banned'
        ? fail(403, 'user_banned', 'User is banned')
        : fail(403, 'otp_expired', 'Email link is invalid or has expired')
    }
    const { user, row } = found
    // The first of a secure email change's two links: 303 to redirect_to with the message (in the query
    // too under PKCE), before any flow-state lookup [auth:internal/api/verify.go:155-165, 516-532].
    if (isFirstOfTwo(ctx, user, row)) {
      consumeVerification(ctx, found)
      // GoTrue re-encodes the query either way (u.RawQuery = q.Encode()).
      const withQuery = isPkce ? goSetQuery(redirectTo, { message: SINGLE_CONFIRMATION_ACCEPTED }) : redirectTo.includes('?') ? goSetQuery(redirectTo, {}) : redirectTo
      return c.redirect(goSetFragment(withQuery, [['message', SINGLE_CONFIRMATION_ACCEPTED], ['sb', '']]), 303)
    }
    if (isPkce) {
      const flowState = ctx.store.latestFlowState(user.id, flowMethodByType[type] as string)
      // issueAuthCode's 422, wrapped with %s, which prints an HTTPError as "<status>: <message>" [auth:internal/api/pkce.go:44-46, verify.go:191-193, apierrors/apierrors.go:93-98].
      if (!flowState) return fail(400, 'flow_state_not_found', 'No associated flow state found. 422: No valid flow state found for user.')
      consumeVerification(ctx, found)
      flowState.authCodeIssuedAt = ctx.clock.nowMs()
      return c.redirect(goSetQuery(redirectTo, { code: flowState.authCode }), 303)
    }
    consumeVerification(ctx, found)
    const session = await issueSession(ctx, user, 'otp')
    const fragment = goEncodeValues([
      ['access_token', session.access_token],
      ['expires_at', String(session.expires_at)],
      ['expires_in', String(session.expires_in)],
      ['refresh_token', session.refresh_token],
      ['sb', ''],
      ['token_type', session.token_type],
      // type=email names the token that matched: signup or magiclink [auth:internal/api/verify.go:675-681, 213-215].
      ['type', type === 'email' ? (row.type === 'recovery_token' ? 'magiclink' : 'signup') : type],
    ])
    // Appended as a string, so a fragment redirect_to already has stays before it [auth:internal/tokens/service.go:143-153].
    return c.redirect(`${redirectTo}#${fragment}`, 303)
  })
}
