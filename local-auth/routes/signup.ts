/**
 * POST /auth/v1/signup and POST /auth/v1/otp (email magic link / code), enough for the confirmation,
 * magic-link and invite emails to be real. With autoconfirm off (the default here) signup returns the
 * user without a session and emails confirmation.html; an already-confirmed address gets a look-alike
 * user and no email, so signup does not reveal accounts. No phone, no anonymous sign-ins, no captcha.
 */
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { readJsonBody, str } from '../body'
import type { AppEnv, LocalAuthContext } from '../context'
import { assertResendGap, createFlowState, issueEmailToken } from '../email-tokens'
import { badRequest, unprocessable } from '../errors'
import type { EmailType } from '../mailer'
import { parseCodeChallenge } from '../otp'
import { checkPasswordStrength, hashPassword } from '../password'
import type { UserRow } from '../store'
import { createUser, userJson } from '../users'
import { validateEmail } from '../validate'
import { requestRedirect, unwrap } from './helpers'

const objectOr = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined)

/** Send `type` to `user`, honouring the PKCE pair and the per-user gap. */
async function sendFor(ctx: LocalAuthContext, user: UserRow, type: EmailType, body: Record<string, unknown>, redirectTo: string) {
  const { pkce } = unwrap(parseCodeChallenge(body.code_challenge, body.code_challenge_method))
  if (pkce) createFlowState(ctx, user, type, pkce)
  assertResendGap(ctx, type === 'magiclink' ? user.recoverySentAt : user.confirmationSentAt)
  await issueEmailToken(ctx, user, type, { redirectTo, isPkce: pkce !== undefined })
}

/** POST /signup and POST /otp. */
export function signupRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .post('/signup', async (c) => {
      const body = await readJsonBody(c)
      if (!str(body, 'email')) throw unprocessable('validation_failed', 'Anonymous sign-ins are disabled')
      const password = str(body, 'password')
      if (!password) throw unprocessable('validation_failed', 'Signup requires a valid password')
      const weak = checkPasswordStrength(password, ctx.config.passwordMinLength)
      if (weak) throw weak
      const { email } = unwrap(validateEmail(str(body, 'email')))
      const existing = ctx.store.findUserByEmail(email)
      if (existing?.emailConfirmedAt !== undefined) {
        // GoTrue answers with an obfuscated copy so the response does not reveal the account.
        return c.json({ ...userJson(existing), id: randomUUID(), identities: [], user_metadata: {}, app_metadata: {} })
      }
      const user = existing ?? (await createUser(ctx.store, ctx.clock, { email, password, userMetadata: objectOr(body.data) }))
      if (existing) existing.passwordHash = await hashPassword(password)
      await sendFor(ctx, user, 'signup', body, requestRedirect(ctx, c))
      return c.json(userJson(user))
    })
    .post('/otp', async (c) => {
      const body = await readJsonBody(c)
      if (!str(body, 'email')) throw badRequest('validation_failed', 'Only an email address or phone number should be provided')
      const { email } = unwrap(validateEmail(str(body, 'email')))
      const redirectTo = requestRedirect(ctx, c)
      let user = ctx.store.findUserByEmail(email)
      if (!user) {
        if (body.create_user === false) throw unprocessable('otp_disabled', 'Signups not allowed for otp')
        user = await createUser(ctx.store, ctx.clock, { email, userMetadata: objectOr(body.data) })
      }
      await sendFor(ctx, user, user.emailConfirmedAt === undefined ? 'signup' : 'magiclink', body, redirectTo)
      return c.json({})
    })
}
