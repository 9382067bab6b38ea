/**
 * POST /auth/v1/verify (contract §6.3): `type` + `token_hash`, or `type` + `email` + 6-digit `token`.
 * Always returns a session directly (AMR `otp`), even for a token minted under PKCE. No phone OTPs:
 * a `phone` is accepted by the validation rules but can never match.
 */
import { Hono } from 'hono'
import { readJsonBody, str } from '../body'
import type { AppEnv, LocalAuthContext } from '../context'
import { badRequest, forbidden, unprocessable } from '../errors'
import { VERIFY_PARAMS } from '../go-structs'
import { perIpLimit } from '../rate-limit'
import { issueSession } from '../sessions'
import { isBanned } from '../users'
import { validateEmail } from '../validate'
import { consumeVerification, findByEmailOtp, findByTokenHash, isVerifyType, SINGLE_CONFIRMATION_ACCEPTED, type Verified } from '../verification'

const LINK_INVALID = 'Email link is invalid or has expired'
const CODE_INVALID = 'Token has expired or is invalid'

/** Validate the body and find the token; throws GoTrue's errors in GoTrue's order. */
function lookup(ctx: LocalAuthContext, body: Record<string, unknown>): { found: Verified; invalidMessage: string } {
  const type = str(body, 'type')
  const token = str(body, 'token')
  const hash = str(body, 'token_hash')
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type')
  if ((!token && !hash) || (token && hash)) throw badRequest('validation_failed', 'Verify requires either a token or a token hash')
  if (hash) {
    // A redirect_to next to a token_hash is refused too [auth:internal/api/verify.go:84-85].
    if (email || phone || str(body, 'redirect_to')) throw badRequest('validation_failed', 'Only the token_hash and type should be provided')
    if (!isVerifyType(type)) throw badRequest('validation_failed', 'Invalid email verification type')
    return { found: findByTokenHash(ctx, type, hash), invalidMessage: LINK_INVALID }
  }
  return { found: lookupByCode(ctx, type, email, phone, token), invalidMessage: CODE_INVALID }
}

/**
 * Email or phone + code. The address is validated before the type decides anything [auth:internal/api/verify.go:67-82];
 * then an email change finds the user by its token, sms and phone_change by a phone (none here), and every
 * other type by address, so a banned user hears so whatever the code [verify.go:707-729].
 */
function lookupByCode(ctx: LocalAuthContext, type: string, email: string, phone: string, token: string): Verified {
  if (phone && !email) {
    // validatePhone: one leading '+' and all spaces dropped, then E.164 digits [auth:internal/api/phone.go:27-43].
    if (!/^[1-9][0-9]{1,14}$/.test(phone.replace(/^\+/, '').replaceAll(' ', ''))) {
      throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)')
    }
    return { ok: false, reason: 'invalid' } // no phone users here
  }
  if (!email || phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on verify')
  const valid = validateEmail(email)
  if (!valid.ok) throw unprocessable('validation_failed', 'Invalid email format')
  if (type === 'email_change') return findByEmailOtp(ctx, type, valid.email, token)
  const user = type === 'sms' || type === 'phone_change' ? undefined : ctx.store.findUserByEmail(valid.email)
  if (!user) return { ok: false, reason: 'invalid' }
  if (isBanned(user, ctx.clock.nowMs())) return { ok: false, reason: 'banned' }
  return isVerifyType(type) ? findByEmailOtp(ctx, type, valid.email, token) : { ok: false, reason: 'invalid' }
}

/** POST /verify. */
export function verifyPostRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>().post('/verify', perIpLimit(ctx, 'verify'), async (c) => {
    const { found, invalidMessage } = lookup(ctx, await readJsonBody(c, VERIFY_PARAMS))
    if (!found.ok) {
      throw found.reason === 'banned' ? forbidden('user_banned', 'User is banned') : forbidden('otp_expired', invalidMessage)
    }
    // The first of a secure email change's two links: 200 with a message and no session [auth:internal/api/verify.go:294-299].
    if (consumeVerification(ctx, found) === 'half') return c.json({ msg: SINGLE_CONFIRMATION_ACCEPTED, code: '200' })
    return c.json(await issueSession(ctx, found.user, 'otp'))
  })
}
