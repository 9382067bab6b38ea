/**
 * POST /auth/v1/recover (contract §6.1): validates email and PKCE pair, answers 200 {} whether or not
 * the account exists, and for an existing one creates the PKCE flow state, enforces the per-user resend
 * gap and emails recovery.html (charged to the hourly email budget). The per-IP limiter runs first
 * [auth:internal/api/api.go:255-256]. No captcha (off in the CLI stack).
 */
import { Hono } from 'hono'
import { readJsonBody, str } from '../body'
import type { AppEnv, LocalAuthContext } from '../context'
import { assertResendGap, createFlowState, issueEmailToken } from '../email-tokens'
import { badRequest } from '../errors'
import { RECOVER_PARAMS } from '../go-structs'
import { parseCodeChallenge } from '../otp'
import { perIpLimit } from '../rate-limit'
import { validateEmail } from '../validate'
import { assertEmailProvider, requestRedirect, unwrap } from './helpers'

/** POST /recover. */
export function recoverRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>().post('/recover', perIpLimit(ctx, 'recover'), async (c) => {
    // The Email provider switch is middleware after the limiter, so it comes before the body is read [auth:internal/api/api.go:255-256].
    assertEmailProvider(ctx, 400)
    const body = await readJsonBody(c, RECOVER_PARAMS)
    const rawEmail = str(body, 'email')
    if (!rawEmail) throw badRequest('validation_failed', 'Password recovery requires an email')
    const { email } = unwrap(validateEmail(rawEmail))
    const { pkce } = unwrap(parseCodeChallenge(body.code_challenge, body.code_challenge_method))
    const redirectTo = requestRedirect(ctx, c)
    const user = ctx.store.findUserByEmail(email)
    // Same answer for unknown emails: nothing sent, nothing charged (anti-enumeration).
    if (!user) return c.json({})
    if (pkce) createFlowState(ctx, user, 'recovery', pkce)
    assertResendGap(ctx, user.recoverySentAt)
    await issueEmailToken(ctx, user, 'recovery', { redirectTo, isPkce: pkce !== undefined })
    return c.json({})
  })
}
