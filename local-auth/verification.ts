/**
 * Looking up and consuming emailed tokens for GET and POST /verify: by exact token hash (prefix
 * included), or by email + OTP (where a stored `pkce_<hash>` also matches). Expiry counts from the
 * matching `*_sent_at`. Success confirms the email (or applies an email change) and deletes all of the
 * user's one-time tokens, so every link and code is single-use. No HTTP here.
 */
import type { LocalAuthContext } from './context'
import { tokenHash } from './otp'
import type { OneTimeTokenRow, OneTimeTokenType, UserRow } from './store'
import { confirmEmail, isBanned } from './users'

/** The email verification types GoTrue accepts. */
export const VERIFY_TYPES = ['signup', 'invite', 'recovery', 'magiclink', 'email_change', 'email'] as const
export type VerifyType = (typeof VERIFY_TYPES)[number]

export function isVerifyType(value: unknown): value is VerifyType {
  return typeof value === 'string' && (VERIFY_TYPES as readonly string[]).includes(value)
}

const lookupTypes: Record<VerifyType, readonly OneTimeTokenType[]> = {
  signup: ['confirmation_token'],
  invite: ['confirmation_token'],
  recovery: ['recovery_token'],
  magiclink: ['recovery_token'],
  // Either address's token [auth:internal/models/one_time_token.go:213-219, 281-290].
  email_change: ['email_change_token_current', 'email_change_token_new'],
  email: ['confirmation_token', 'recovery_token'],
}

/** `submitted`: the hash the request amounts to (an emailed token_hash as sent; for email + code, the unprefixed hash). */
export type Verified = { ok: true; user: UserRow; row: OneTimeTokenRow; submitted: string } | { ok: false; reason: 'invalid' | 'banned' }

function sentAtOf(user: UserRow, type: OneTimeTokenType): number | undefined {
  if (type === 'recovery_token') return user.recoverySentAt
  if (type === 'email_change_token_current' || type === 'email_change_token_new') return user.emailChangeSentAt
  return user.confirmationSentAt ?? user.invitedAt
}

function check(ctx: LocalAuthContext, row: OneTimeTokenRow | undefined, submitted: string): Verified {
  const user = row && ctx.store.users.get(row.userId)
  if (!row || !user) return { ok: false, reason: 'invalid' }
  const now = ctx.clock.nowMs()
  if (isBanned(user, now)) return { ok: false, reason: 'banned' }
  const sentAt = sentAtOf(user, row.type)
  if (sentAt === undefined || now > sentAt + ctx.config.otpExpirySeconds * 1000) return { ok: false, reason: 'invalid' }
  return { ok: true, user, row, submitted }
}

/** Find the token behind an emailed `token_hash` (exact string, `pkce_` prefix included). */
export function findByTokenHash(ctx: LocalAuthContext, type: VerifyType, hash: string): Verified {
  const row = ctx.store.oneTimeTokens.get(hash)
  return check(ctx, row && lookupTypes[type].includes(row.type) ? row : undefined, hash)
}

/** Find the token behind an email + typed OTP. */
export function findByEmailOtp(ctx: LocalAuthContext, type: VerifyType, email: string, otp: string): Verified {
  const hash = tokenHash(email, otp)
  // The current address's code counts only while secure email change is on [auth:internal/models/one_time_token.go:281-290].
  const types = type === 'email_change' && !ctx.config.secureEmailChange ? ['email_change_token_new'] : lookupTypes[type]
  for (const row of ctx.store.oneTimeTokens.values()) {
    if (!types.includes(row.type) || row.relatesTo !== email) continue
    if (row.tokenHash === hash || row.tokenHash === `pkce_${hash}`) return check(ctx, row, hash)
  }
  return { ok: false, reason: 'invalid' }
}

const isEmailChangeToken = (row: OneTimeTokenRow) => row.type === 'email_change_token_current' || row.type === 'email_change_token_new'

/**
 * Whether this link is the first of a secure email change's two: it only marks one side confirmed,
 * burns that one token, and signs no one in [auth:internal/api/verify.go:545-584].
 */
export function isFirstOfTwo(ctx: LocalAuthContext, user: UserRow, row: OneTimeTokenRow): boolean {
  return isEmailChangeToken(row) && !ctx.config.autoconfirm && ctx.config.secureEmailChange && (user.emailChangeConfirmStatus ?? 0) === 0 && user.email !== ''
}

/** GoTrue's answer to the first of two links (POST /verify `msg`, GET /verify `message`) [verify.go:39]. */
export const SINGLE_CONFIRMATION_ACCEPTED = 'Confirmation link accepted. Please proceed to confirm link sent to the other email'

/**
 * Apply a successful verification and burn every one-time token of the user, or, for the first of a
 * secure email change's two links, only that link's token: `'half'`.
 */
export function consumeVerification(ctx: LocalAuthContext, found: Extract<Verified, { ok: true }>): 'done' | 'half' {
  const { user, row, submitted } = found
  const now = ctx.clock.nowMs()
  if (isFirstOfTwo(ctx, user, row)) {
    user.emailChangeConfirmStatus = 1
    // Cleared only when what was sent equals the stored hash: a code for a PKCE (`pkce_`) token is hashed
    // without the prefix, matches neither, and so stays usable, as in GoTrue [verify.go:75-79, 552-574].
    if (submitted === row.tokenHash) ctx.store.oneTimeTokens.delete(row.tokenHash)
    return 'half'
  }
  // Either token completes the change (the second of two, or the only one) [verify.go:586-627; models/user.go:564-592].
  if (isEmailChangeToken(row) && user.newEmail) {
    user.email = user.newEmail
    user.newEmail = undefined
    user.emailChangeConfirmStatus = 0
  }
  if (user.emailConfirmedAt === undefined) confirmEmail(user, now)
  user.updatedAt = now
  ctx.store.deleteOneTimeTokens(user.id)
  return 'done'
}
