/**
 * Issuing emailed one-time tokens: the per-user resend gap, PKCE flow states, the OTP/hash stored on the
 * user (replacing any older one of the same kind), the `*_sent_at` stamp and the rendered email.
 * Shared by /recover, /otp, /signup, /invite, PUT /user (email change) and POST /__local/tokens.
 * Every send is charged against the instance-wide hourly email budget first (limits.ts), as GoTrue's
 * `sendEmail` does; the control API's POST /__local/tokens is not charged.
 */
import { randomUUID } from 'node:crypto'
import type { LocalAuthContext } from './context'
import { AuthError, unexpectedFailure } from './errors'
import { invalidAddress, notAuthorized } from './email-refusals'
import { goQueryEscape } from './go-url'
import type { EmailType, OutboxMessage } from './mailer'
import { generateOtp, normaliseChallengeMethod, tokenHash, withFlowPrefix } from './otp'
import type { FlowStateRow, OneTimeTokenType, UserRow } from './store'

/** GoTrue's `authentication_method` for a flow state, per email type [auth:internal/models/flow_state.go]. */
export const flowMethodByType: Record<string, string> = {
  recovery: 'recovery',
  magiclink: 'magiclink',
  signup: 'email/signup',
  invite: 'invite',
  email_change: 'email_change',
}

const tokenTypeByEmail: Record<EmailType, OneTimeTokenType> = {
  recovery: 'recovery_token',
  magiclink: 'recovery_token',
  signup: 'confirmation_token',
  invite: 'confirmation_token',
  email_change: 'email_change_token_new',
}

/** The `*_sent_at` a type's gap and expiry count from. */
export function sentAtFor(user: UserRow, type: EmailType): number | undefined {
  if (type === 'recovery' || type === 'magiclink') return user.recoverySentAt
  if (type === 'email_change') return user.emailChangeSentAt
  return user.confirmationSentAt
}

/** 429 over_email_send_rate_limit inside the per-user gap, with GoTrue's exact message. */
export function assertResendGap(ctx: LocalAuthContext, sentAt: number | undefined): void {
  if (sentAt === undefined) return
  const gapMs = ctx.config.maxFrequencySeconds * 1000
  const leftMs = sentAt + gapMs - ctx.clock.nowMs()
  if (leftMs > 0) {
    throw new AuthError(429, 'over_email_send_rate_limit', `For security purposes, you can only request this after ${Math.floor(leftMs / 1000)} seconds.`)
  }
}

/** Create the PKCE flow state (before the gap check, as GoTrue does). Unknown methods are a 500. */
export function createFlowState(ctx: LocalAuthContext, user: UserRow, type: EmailType, pkce: { challenge: string; method: string }): FlowStateRow {
  const method = normaliseChallengeMethod(pkce.method)
  if (!method) throw unexpectedFailure()
  const row: FlowStateRow = {
    id: randomUUID(),
    authCode: randomUUID(),
    userId: user.id,
    authenticationMethod: flowMethodByType[type] ?? type,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: method,
    createdAt: ctx.clock.nowMs(),
  }
  ctx.store.flowStates.set(row.id, row)
  return row
}

/** What a sent token email carries, returned to the control API. */
export interface IssuedToken {
  otp: string
  tokenHash: string
  message: OutboxMessage
  /** A secure email change's second email, to the current address. */
  current?: { otp: string; tokenHash: string; message: OutboxMessage }
}

/** `.ConfirmationURL`: redirect inserted raw unless it holds `&`, `=` or `#` (then query-escaped). */
function confirmationUrl(ctx: LocalAuthContext, hash: string, type: EmailType, redirectTo: string): string {
  const redirect = /[&=#]/.test(redirectTo) ? goQueryEscape(redirectTo) : redirectTo
  return `${ctx.url}/auth/v1/verify?token=${hash}&type=${type}&redirect_to=${redirect}`
}

/**
 * The hourly email budget: 429 over_email_send_rate_limit "email rate limit exceeded" once it is used up.
 * Not charged with autoconfirm on, yet a budget of 0 refuses every email [auth:internal/api/mail.go:792-813];
 * nothing is stored or stamped then [auth:internal/api/mail.go:411-425].
 */
export function chargeEmailBudget(ctx: LocalAuthContext, options: { dryRun?: boolean } = {}): void {
  const budget = ctx.limits.settings.emailsPerHour
  if (budget > 0 && ctx.config.autoconfirm) return
  if (!(options.dryRun ? ctx.limits.hasEmailBudget() : ctx.limits.allowEmail())) {
    ctx.config.log(`email refused: hourly budget of ${budget} used up`)
    throw new AuthError(429, 'over_email_send_rate_limit', 'email rate limit exceeded')
  }
}

/** Store a fresh OTP for `user`, stamp `*_sent_at` and send the `type` email. */
export async function issueEmailToken(
  ctx: LocalAuthContext,
  user: UserRow,
  type: EmailType,
  options: { redirectTo: string; isPkce: boolean; newEmail?: string; uncharged?: boolean },
): Promise<IssuedToken> {
  const target = type === 'email_change' ? (options.newEmail ?? user.email) : user.email
  // Refused before the budget is charged [auth:internal/api/mail.go:772-789] …
  const unauthorized = notAuthorized(target, ctx.config.authorizedAddresses)
  if (unauthorized) throw unauthorized
  if (!options.uncharged) chargeEmailBudget(ctx)
  // … or by the mailer, after it, with nothing stored or stamped [mail.go:405-425, 803-812, 918-927].
  const invalid = ctx.config.emailValidation ? invalidAddress(target) : undefined
  if (invalid) throw invalid
  const now = ctx.clock.nowMs()
  const otp = generateOtp()
  const hash = withFlowPrefix(tokenHash(target, otp), options.isPkce)
  ctx.store.putOneTimeToken({ userId: user.id, type: tokenTypeByEmail[type], tokenHash: hash, relatesTo: target, createdAt: now })
  if (type === 'recovery' || type === 'magiclink') user.recoverySentAt = now
  else if (type === 'email_change') {
    user.emailChangeSentAt = now
    user.newEmail = target
  } else {
    user.confirmationSentAt = now
    if (type === 'invite') user.invitedAt = now
  }
  user.updatedAt = now
  if (type === 'email_change') user.emailChangeConfirmStatus = 0
  const message = await ctx.mailer.send(type, target, {
    SiteURL: ctx.config.siteUrl,
    Email: user.email,
    NewEmail: user.newEmail ?? '',
    Token: otp,
    TokenHash: hash,
    RedirectTo: options.redirectTo,
    ConfirmationURL: confirmationUrl(ctx, hash, type, options.redirectTo),
    Data: user.userMetadata,
  }, now)
  ctx.config.log(`email ${type} -> ${target} (${message.id})`)
  const current = type === 'email_change' && ctx.config.secureEmailChange && user.email !== '' ? await mailCurrentAddress(ctx, user, options, now) : undefined
  return { otp, tokenHash: hash, message, ...(current ? { current } : {}) }
}

/**
 * A secure email change also mails the current address its own token, charged as one email with the
 * other [auth:internal/api/mail.go:537-543, 575-579; internal/mailer/templatemailer/templatemailer.go:257-276].
 */
async function mailCurrentAddress(ctx: LocalAuthContext, user: UserRow, options: { redirectTo: string; isPkce: boolean }, now: number) {
  const otp = generateOtp()
  const hash = withFlowPrefix(tokenHash(user.email, otp), options.isPkce)
  ctx.store.putOneTimeToken({ userId: user.id, type: 'email_change_token_current', tokenHash: hash, relatesTo: user.email, createdAt: now })
  const message = await ctx.mailer.send('email_change', user.email, {
    SiteURL: ctx.config.siteUrl,
    Email: user.email,
    NewEmail: user.newEmail ?? '',
    Token: otp,
    TokenHash: hash,
    RedirectTo: options.redirectTo,
    ConfirmationURL: confirmationUrl(ctx, hash, 'email_change', options.redirectTo),
    Data: user.userMetadata,
  }, now)
  ctx.config.log(`email email_change -> ${user.email} (${message.id}, the current address)`)
  return { otp, tokenHash: hash, message }
}
