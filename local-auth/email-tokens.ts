/**
 * Issuing emailed one-time tokens: the per-user resend gap, PKCE flow states, the OTP/hash stored on the
 * user (replacing any older one of the same kind), the `*_sent_at` stamp and the rendered email.
 * Shared by /recover, /otp, /signup, /invite, PUT /user (email change) and POST /__local/tokens.
 * Every send is charged against the instance-wide hourly email budget first (limits.ts), as GoTrue's
 * `sendEmail` does; the control API's POST /__local/tokens is not charged.
 */
import { randomUUID } from 'node:crypto'
import type { LocalAuthContext } from './context'
import { AuthError, plainError } from './errors'
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
  if (!method) throw plainError()
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

/** Who an email of `type` goes to: an email change's new address and, when secure, the current one too. */
function recipients(ctx: LocalAuthContext, user: UserRow, type: EmailType, target: string): string[] {
  return type === 'email_change' && ctx.config.secureEmailChange && user.email !== '' ? [target, user.email] : [target]
}

/**
 * What refuses a send before anything is stored, in GoTrue's order: an address that is not authorized
 * (every recipient, before the budget) [auth:internal/api/mail.go:772-789], the hourly budget, then an
 * address the mailer's validation refuses, after the budget is charged [mail.go:405-425, 803-812; the
 * validating client checks each recipient, internal/mailer/validateclient/validateclient.go:140-150]. The
 * invalid-address message quotes the account's address, the current one for an email change
 * [mail.go:767-770, 924-927]. Callers that write before sending (PUT /user, /resend) call this first and
 * then send `uncharged`, so a refusal leaves nothing written, as GoTrue's transaction does.
 */
export function assertSendable(ctx: LocalAuthContext, user: UserRow, type: EmailType, target: string, options: { uncharged?: boolean } = {}): void {
  const to = recipients(ctx, user, type, target)
  for (const address of to) {
    const unauthorized = notAuthorized(address, ctx.config.authorizedAddresses)
    if (unauthorized) throw unauthorized
  }
  if (!options.uncharged) chargeEmailBudget(ctx)
  const quoted = type === 'email_change' ? user.email : target
  const invalid = ctx.config.emailValidation ? to.map((address) => invalidAddress(address, quoted)).find(Boolean) : undefined
  if (invalid) throw invalid
}

/** Store a fresh OTP for `user`, stamp `*_sent_at` and send the `type` email (and a secure email change's second). */
export async function issueEmailToken(
  ctx: LocalAuthContext,
  user: UserRow,
  type: EmailType,
  options: { redirectTo: string; isPkce: boolean; newEmail?: string; uncharged?: boolean },
): Promise<IssuedToken> {
  const target = type === 'email_change' ? (options.newEmail ?? user.email) : user.email
  assertSendable(ctx, user, type, target, { uncharged: options.uncharged })
  const now = ctx.clock.nowMs()
  if (type === 'recovery' || type === 'magiclink') user.recoverySentAt = now
  else if (type === 'email_change') {
    user.emailChangeSentAt = now
    user.newEmail = target
    user.emailChangeConfirmStatus = 0
  } else {
    user.confirmationSentAt = now
    if (type === 'invite') user.invitedAt = now
  }
  user.updatedAt = now
  const [sent, current] = recipients(ctx, user, type, target)
  const issued = await mailToken(ctx, user, type, tokenTypeByEmail[type], sent as string, options, now)
  // A secure email change mails the current address its own token too, charged as one email with the
  // other [auth:internal/api/mail.go:537-543, 575-579; internal/mailer/templatemailer/templatemailer.go:257-276].
  if (current === undefined) return issued
  return { ...issued, current: await mailToken(ctx, user, type, 'email_change_token_current', current, options, now) }
}

/** One token, stored for `to`, and the email carrying it. */
async function mailToken(ctx: LocalAuthContext, user: UserRow, type: EmailType, tokenType: OneTimeTokenType, to: string, options: { redirectTo: string; isPkce: boolean }, now: number) {
  const otp = generateOtp()
  const hash = withFlowPrefix(tokenHash(to, otp), options.isPkce)
  ctx.store.putOneTimeToken({ userId: user.id, type: tokenType, tokenHash: hash, relatesTo: to, createdAt: now })
  const message = await ctx.mailer.send(type, to, {
    SiteURL: ctx.config.siteUrl,
    Email: user.email,
    NewEmail: user.newEmail ?? '',
    ...(type === 'email_change' ? { SendingTo: to } : {}),
    Token: otp,
    TokenHash: hash,
    RedirectTo: options.redirectTo,
    ConfirmationURL: confirmationUrl(ctx, hash, type, options.redirectTo),
    Data: user.userMetadata,
  }, now)
  ctx.config.log(`email ${type} -> ${to} (${message.id})`)
  return { otp, tokenHash: hash, message }
}
