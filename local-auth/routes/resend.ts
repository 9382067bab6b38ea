/**
 * POST /auth/v1/resend (GoTrue's `Resend`): sends the signup confirmation or the email-change email
 * again. Unknown addresses, confirmed users and users with no pending change get 200 `{}` and nothing
 * is sent; otherwise the per-user gap, the PKCE flow state and the email budget apply as on first send
 * [auth:internal/api/resend.go:22-172]. Per-IP limited like /recover [auth:internal/api/api.go:258-259].
 * Phone types (`sms`, `phone_change`) are refused as "Phone logins are disabled", as with phone off.
 */
import { Hono } from 'hono'
import { readJsonBody, str } from '../body'
import type { AppEnv, LocalAuthContext } from '../context'
import { assertResendGap, assertSendable, createFlowState, issueEmailToken } from '../email-tokens'
import { badRequest } from '../errors'
import { RESEND_PARAMS } from '../go-structs'
import { parseCodeChallenge } from '../otp'
import { perIpLimit } from '../rate-limit'
import { validateEmail } from '../validate'
import { assertEmailProvider, requestRedirect, unwrap } from './helpers'

const TYPES = ['signup', 'email_change', 'sms', 'phone_change']

/** POST /resend. */
export function resendRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>().post('/resend', perIpLimit(ctx, 'resend'), async (c) => {
    const body = await readJsonBody(c, RESEND_PARAMS)
    const type = str(body, 'type')
    const rawEmail = str(body, 'email')
    const phone = str(body, 'phone')
    if (!TYPES.includes(type)) throw badRequest('validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change')
    const pkce = type === 'signup' || type === 'email_change' ? unwrap(parseCodeChallenge(body.code_challenge, body.code_challenge_method)).pkce : undefined
    if (!rawEmail && type === 'signup') throw badRequest('validation_failed', 'Type provided requires an email address')
    if (!phone && type === 'sms') throw badRequest('validation_failed', 'Type provided requires a phone number')
    if (rawEmail && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided.')
    if (phone) throw badRequest('phone_provider_disabled', 'Phone logins are disabled')
    if (!rawEmail) throw badRequest('validation_failed', 'Missing email address or phone number')
    assertEmailProvider(ctx, 400) // resend.go:47-50, before the address is validated
    const { email } = unwrap(validateEmail(rawEmail))
    const user = ctx.store.findUserByEmail(email)
    if (!user) return c.json({})
    const redirectTo = requestRedirect(ctx, c)
    if (type === 'signup') {
      if (user.emailConfirmedAt !== undefined) return c.json({})
      // Every refusal before the flow state: GoTrue's is created in the transaction a refusal rolls back [auth:internal/api/resend.go:124-153].
      assertResendGap(ctx, user.confirmationSentAt)
      assertSendable(ctx, user, 'signup', user.email)
      if (pkce) createFlowState(ctx, user, 'signup', pkce)
      await issueEmailToken(ctx, user, 'signup', { redirectTo, isPkce: pkce !== undefined, uncharged: true })
      return c.json({})
    }
    if (!user.newEmail) return c.json({})
    assertResendGap(ctx, user.emailChangeSentAt)
    assertSendable(ctx, user, 'email_change', user.newEmail)
    if (pkce) createFlowState(ctx, user, 'email_change', pkce)
    await issueEmailToken(ctx, user, 'email_change', { redirectTo, isPkce: pkce !== undefined, newEmail: user.newEmail, uncharged: true })
    return c.json({})
  })
}
