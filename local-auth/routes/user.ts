/**
 * GET and PUT /auth/v1/user (contract §6.7, §6.9). PUT validates every field first (email format,
 * 72-byte cap and strength, admin-only app_metadata, email_exists, same password, the email change's
 * gap and budget) and only then writes anything: the new hash (clearing one-time tokens and
 * `*_sent_at`, deleting the user's other sessions; the caller keeps its own), metadata, email change.
 * An `email` starts an email change: with secure email change (the default) both addresses are mailed
 * and both links are needed (email-tokens.ts, verification.ts).
 */
import { Hono } from 'hono'
import { requireUser } from '../auth-guard'
import { readJsonBody, str } from '../body'
import type { AppEnv, LocalAuthContext } from '../context'
import { assertResendGap, assertSendable, createFlowState, issueEmailToken } from '../email-tokens'
import { ADMIN_ROLES, DEFAULT_AUD, REAUTHENTICATION_AFTER_MS } from '../constants'
import { badRequest, forbidden, plainError, recoveredPanic, unprocessable } from '../errors'
import { USER_UPDATE_PARAMS } from '../go-structs'
import { normaliseChallengeMethod } from '../otp'
import { perIpLimit } from '../rate-limit'
import { checkPasswordStrength, hashPassword, isPasswordMatch } from '../password'
import type { SessionRow, UserRow } from '../store'
import type { AccessClaims } from '../tokens'
import { userJson } from '../users'
import { validateEmail } from '../validate'
import { requestRedirect, unwrap } from './helpers'

/** Store the new password and revoke everything a reset must revoke [auth:internal/api/user.go]. */
async function applyPasswordChange(ctx: LocalAuthContext, user: UserRow, session: SessionRow | undefined, password: string) {
  user.passwordHash = await hashPassword(password)
  user.confirmationSentAt = undefined
  user.recoverySentAt = undefined
  user.emailChangeSentAt = undefined
  user.updatedAt = ctx.clock.nowMs()
  ctx.store.deleteOneTimeTokens(user.id)
  ctx.store.deleteSessionsWhere((s) => s.userId === user.id && s.id !== session?.id)
}

const RECOVERY_METHODS = new Set(['otp', 'magiclink', 'recovery'])

/**
 * The two dashboard settings that guard a password change, in GoTrue's order [auth:internal/api/user.go:153-187]:
 * a session over 24 h old needs a reauthentication nonce (none can be valid here: there is no
 * /reauthenticate, so the user has no reauthentication token [reauthenticate.go:70-73]); and, outside
 * a recovery session, the current password must be sent and right.
 */
async function assertMayChangePassword(ctx: LocalAuthContext, body: Record<string, unknown>, user: UserRow, session: SessionRow | undefined) {
  if (ctx.config.updatePasswordRequireReauthentication) {
    if (!session || ctx.clock.nowMs() > session.createdAt + REAUTHENTICATION_AFTER_MS) {
      if (!str(body, 'nonce')) throw badRequest('reauthentication_needed', 'Password update requires reauthentication')
      throw unprocessable('reauthentication_not_valid', 'Nonce has expired or is invalid')
    }
  }
  const password = str(body, 'password')
  if (!ctx.config.updatePasswordRequireCurrentPassword || password === '' || !user.passwordHash) return
  // GoTrue calls session.IsRecovery() on a nil session here and panics; its recoverer answers 500
  // "Internal Server Error" [auth:internal/api/user.go:175, internal/api/errors.go:47-63].
  if (!session) throw recoveredPanic()
  // Session.IsRecovery: an AMR entry of otp (any POST /verify or implicit GET /verify session), or of a
  // PKCE magic-link or recovery exchange; PKCE signup, invite and email-change sessions are not exempt
  // [auth:internal/models/sessions.go:108-121, factor.go:62-69].
  if (!session.amr.some((entry) => RECOVERY_METHODS.has(entry.method))) {
    const current = str(body, 'current_password')
    if (!current) throw badRequest('current_password_required', 'Current password required when setting new password.')
    if (!(await isPasswordMatch(current, user.passwordHash))) {
      throw badRequest('current_password_invalid', 'Current password required when setting new password.')
    }
  }
}

/**
 * UserGet's audience check: the token's first audience must be the request's, which is X-JWT-AUD, else the
 * token's own (not for an admin role, ADMIN_ROLES), else the default [auth:internal/api/user.go:71-75, helpers.go:25-45].
 */
function audienceMatches(claims: AccessClaims, header: string | undefined): boolean {
  const fromClaims = claims.aud === undefined ? undefined : Array.isArray(claims.aud) ? claims.aud[0] : claims.aud
  const requestAud = header || (!ADMIN_ROLES.includes(claims.role ?? '') && fromClaims ? fromClaims : DEFAULT_AUD)
  return fromClaims !== undefined && requestAud === fromClaims
}

/** GET and PUT /user. */
export function userRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .use('/user', requireUser(ctx))
    .get('/user', (c) => {
      const { claims, user } = c.get('auth')
      if (!audienceMatches(claims, c.req.header('X-JWT-AUD'))) throw badRequest('validation_failed', "Token audience doesn't match request audience")
      return c.json(userJson(user as UserRow))
    })
    // The per-IP limiter runs after authentication, on PUT only [auth:internal/api/api.go:281-283].
    // GoTrue validates every field, then writes all of it in one transaction [auth:internal/api/user.go:88-304]:
    // nothing below the "writes" line may throw, so a bad email never leaves a new password behind.
    .put('/user', perIpLimit(ctx, 'user'), async (c) => {
      const { user: maybeUser, session } = c.get('auth')
      const user = maybeUser as UserRow
      const body = await readJsonBody(c, USER_UPDATE_PARAMS)
      const hasPassword = body.password !== undefined && body.password !== null
      const password = str(body, 'password')
      const rawEmail = str(body, 'email')
      const email = rawEmail ? unwrap(validateEmail(rawEmail)).email : undefined
      if (hasPassword) {
        const weak = await checkPasswordStrength(ctx, password)
        if (weak) throw weak
      }
      if (body.app_metadata !== undefined && body.app_metadata !== null) {
        throw forbidden('not_admin', 'Updating app_metadata requires admin privileges')
      }
      const changesEmail = email !== undefined && email !== user.email
      if (changesEmail && ctx.store.findUserByEmail(email)) {
        throw unprocessable('email_exists', 'A user with this email address has already been registered')
      }
      if (hasPassword) await assertMayChangePassword(ctx, body, user, session)
      if (hasPassword && (await isPasswordMatch(password, user.passwordHash))) {
        throw unprocessable('same_password', 'New password should be different from the old password.')
      }
      // What the email change would refuse inside GoTrue's transaction, checked before any write.
      // UserUpdate never calls validatePKCEParams: any non-empty challenge makes it PKCE, and generateFlowState
      // refuses only a method ParseCodeChallengeMethod does not know (missing included), with a plain error,
      // a 500, first in the email change [auth:internal/api/user.go:264-270, models/flow_state.go:69-77,119-129].
      const challenge = changesEmail ? str(body, 'code_challenge') : ''
      const pkce = challenge ? { challenge, method: str(body, 'code_challenge_method') } : undefined
      if (pkce && !normaliseChallengeMethod(pkce.method)) throw plainError()
      if (changesEmail) {
        // A password in the same request clears email_change_sent_at first (UpdatePassword), so no gap then
        // [auth:internal/models/user.go:443, internal/api/user.go:214, 272; mail.go:527].
        if (!hasPassword) assertResendGap(ctx, user.emailChangeSentAt)
        // Charged here, before any write: GoTrue's limiter counts inside the transaction [mail.go:803-812].
        assertSendable(ctx, user, 'email_change', email)
      }
      // Writes, in GoTrue's order: password, metadata, email change.
      if (hasPassword) await applyPasswordChange(ctx, user, session, password)
      if (body.data && typeof body.data === 'object' && !Array.isArray(body.data)) {
        user.userMetadata = { ...user.userMetadata, ...(body.data as Record<string, unknown>) }
        user.updatedAt = ctx.clock.nowMs()
      }
      if (changesEmail) {
        if (pkce) createFlowState(ctx, user, 'email_change', pkce)
        await issueEmailToken(ctx, user, 'email_change', { redirectTo: requestRedirect(ctx, c), isPkce: pkce !== undefined, newEmail: email, uncharged: true })
      }
      return c.json(userJson(user))
    })
}
