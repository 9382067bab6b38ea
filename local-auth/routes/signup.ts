/**
 * POST /auth/v1/signup and POST /auth/v1/otp (email magic link / code), enough for the confirmation,
 * magic-link and invite emails to be real. With autoconfirm off (the default here) signup returns the
 * user without a session and emails confirmation.html; a repeated signup of an unconfirmed address
 * keeps the stored password and only resends; an already-confirmed address gets GoTrue's sanitised
 * look-alike and no email [auth:internal/api/signup.go:193-203,280-301,349-379]. With autoconfirm the
 * user is confirmed and signed in at once, and a duplicate is a 422. No phone, anonymous sign-ins, captcha.
 */
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { readJsonBody, str } from '../body'
import type { AppEnv, LocalAuthContext } from '../context'
import { assertResendGap, createFlowState, issueEmailToken } from '../email-tokens'
import { badRequest, unprocessable } from '../errors'
import { OTP_PARAMS, SIGNUP_PARAMS } from '../go-structs'
import type { EmailType } from '../mailer'
import { parseCodeChallenge } from '../otp'
import { perIpLimit } from '../rate-limit'
import { checkPasswordStrength } from '../password'
import { issueSession } from '../sessions'
import type { UserRow } from '../store'
import { createUser, userJson } from '../users'
import { validateEmail } from '../validate'
import { assertEmailProvider, requestRedirect, unwrap } from './helpers'

const objectOr = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined)

type Pkce = { challenge: string; method: string } | undefined

/** Send `type` to `user`, honouring the (already validated) PKCE pair and the per-user gap. */
async function sendFor(ctx: LocalAuthContext, user: UserRow, type: EmailType, pkce: Pkce, redirectTo: string) {
  if (pkce) createFlowState(ctx, user, type, pkce)
  assertResendGap(ctx, type === 'magiclink' ? user.recoverySentAt : user.confirmationSentAt)
  await issueEmailToken(ctx, user, type, { redirectTo, isPkce: pkce !== undefined })
}

/** GoTrue's `sanitizeUser`: what a duplicate signup of a confirmed address answers [auth:internal/api/signup.go:349-379]. */
function sanitisedUser(ctx: LocalAuthContext, user: UserRow, data: Record<string, unknown>): Record<string, unknown> {
  const now = new Date(ctx.clock.nowMs()).toISOString()
  const { email_confirmed_at: _e, confirmed_at: _c, email_change_sent_at: _s, last_sign_in_at: _l, new_email: _n, ...rest } = userJson(user)
  return {
    ...rest,
    id: randomUUID(),
    role: '',
    created_at: now,
    updated_at: now,
    confirmation_sent_at: now,
    user_metadata: data,
    app_metadata: { provider: 'email', providers: ['email'] },
    identities: [],
  }
}

/** POST /signup and POST /otp. */
export function signupRoutes(ctx: LocalAuthContext) {
  const signupsLimit = perIpLimit(ctx, 'signups')
  return new Hono<AppEnv>()
    .post('/signup', async (c) => {
      const body = await readJsonBody(c, SIGNUP_PARAMS)
      // Neither address nor phone: an anonymous sign-in, off here, refused before the signups bucket is
      // charged; otherwise the bucket, then the handler [auth:internal/api/api.go:233-252].
      if (!str(body, 'email') && !str(body, 'phone')) throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
      await signupsLimit(c, async () => {})
      const password = str(body, 'password')
      if (!password) throw badRequest('validation_failed', 'Signup requires a valid password') // signup.go:35-37
      const weak = await checkPasswordStrength(ctx, password)
      if (weak) throw weak
      if (str(body, 'email') && str(body, 'phone')) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on signup.')
      // validateSignupParams ends with the PKCE pair, before the provider switch [auth:internal/api/signup.go:52, 126, 141-152].
      const { pkce } = unwrap(parseCodeChallenge(body.code_challenge, body.code_challenge_method))
      if (!str(body, 'email')) throw badRequest('phone_provider_disabled', 'Phone signups are disabled') // signup.go:151-152
      assertEmailProvider(ctx, 400, 'Email signups are disabled') // signup.go:141-143
      const { email } = unwrap(validateEmail(str(body, 'email')))
      const existing = ctx.store.findUserByEmail(email)
      if (existing?.emailConfirmedAt !== undefined) {
        if (ctx.config.autoconfirm) throw unprocessable('user_already_exists', 'User already registered')
        return c.json(sanitisedUser(ctx, existing, objectOr(body.data) ?? {}))
      }
      // A repeated signup of an unconfirmed address does not touch the user: the first password stays.
      const user = existing ?? (await createUser(ctx.store, ctx.clock, { email, password, userMetadata: objectOr(body.data) }))
      if (ctx.config.autoconfirm) {
        user.emailConfirmedAt = ctx.clock.nowMs()
        return c.json(await issueSession(ctx, user, 'password'))
      }
      try {
        await sendFor(ctx, user, 'signup', pkce, requestRedirect(ctx, c))
      } catch (error) {
        // GoTrue creates the user and sends in one transaction: a refused email leaves no user behind.
        if (!existing) ctx.store.deleteUser(user.id)
        throw error
      }
      return c.json(userJson(user))
    })
    .post('/otp', perIpLimit(ctx, 'otp'), async (c) => {
      const body = await readJsonBody(c, OTP_PARAMS)
      const rawEmail = str(body, 'email')
      const phone = str(body, 'phone')
      // OtpParams.Validate: the pair, a channel with an email, the PKCE pair [auth:internal/api/otp.go:37-48].
      if (rawEmail && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided')
      if (rawEmail && str(body, 'channel')) throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP')
      const { pkce } = unwrap(parseCodeChallenge(body.code_challenge, body.code_challenge_method))
      // shouldCreateUser: with create_user false, an address or phone that fails validation or has no account
      // is otp_disabled, its error dropped for `!ok`; no phone has an account here [auth:internal/api/otp.go:82-86,211-238].
      if (body.create_user === false && (rawEmail || phone)) {
        const checked = rawEmail ? validateEmail(rawEmail) : undefined
        if (!checked?.ok || !ctx.store.findUserByEmail(checked.email)) throw unprocessable('otp_disabled', 'Signups not allowed for otp')
      }
      // Phone OTPs are off here (SmsOtp); neither is GoTrue's last answer [auth:internal/api/otp.go:88-94, 107-109].
      if (phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider')
      if (!rawEmail) throw badRequest('validation_failed', 'One of email or phone must be set')
      // MagicLink checks the Email provider before the address [auth:internal/api/magic_link.go:46-48].
      assertEmailProvider(ctx, 422)
      const { email } = unwrap(validateEmail(rawEmail))
      const redirectTo = requestRedirect(ctx, c)
      const user = ctx.store.findUserByEmail(email) ?? (await createUser(ctx.store, ctx.clock, { email, userMetadata: objectOr(body.data) }))
      await sendFor(ctx, user, user.emailConfirmedAt === undefined ? 'signup' : 'magiclink', pkce, redirectTo)
      return c.json({})
    })
}
