/**
 * /account/update-password: names the account in full (and, after a link switched accounts, the one
 * this browser held before), only for a fresh recovery session (AMR recovery/otp/magiclink/invite
 * within RECOVERY_MAX_AGE_SECONDS), checked with getClaims(): with asymmetric signing keys that is a
 * local JWT check against cached JWKS, no round trip. POST → updateUser({ password }) only when the
 * form was shown for the account the browser holds now (another tab may have switched it: a 409 and
 * the form again for the account held now); Supabase then signs out every other session of the user
 * (contract §6.9).
 */
import { Hono } from 'hono/tiny'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import { forgetSwitch, readSwitch } from '../account-switch'
import { refuseBreachedPassword } from '../breached-password'
import { forgetConfirmedLink } from '../confirmed-link'
import { ACCOUNT_FIELD, FORGOT_PASSWORD_PATH, UPDATE_PASSWORD_PATH } from '../constants'
import { checkFormAccount } from '../lib/form-account'
import { describeWeakPassword, hasErrors, validatePasswordForm, type UpdatePasswordErrors } from '../lib/password-form'
import { carriedNext } from '../lib/next-url'
import { isOverLimit } from '../lib/rate-limit'
import { classifyAuthError, isRetryable, outageReason, statusFor, type Reason } from '../lib/reasons'
import { unlessUpstreamFails, UPSTREAM_FAILED } from '../middleware/supabase'
import { isFreshRecoverySession, staleRecoveryKind } from '../lib/recovery-session'
import { checkedTarget, nextTarget, seeOther } from '../redirects'
import { readClaims } from '../session'
import { titledMessage } from '../views/reason-copy'
import { failWith, renderPage, renderPageHtml, renderReason, translatorOf } from '../views/render'
import { freshUpdateFormHtml, passwordChangedHtml, UpdatePasswordForm } from '../views/update-password-page'

export const updatePasswordRoutes = new Hono<AppEnv>()

updatePasswordRoutes.get('/', async (c) => {
  const session = await readRecoverySession(c)
  if (session instanceof Response) return session
  return renderForm(c, session, c.req.query('next'), 200, {})
})

updatePasswordRoutes.post('/', async (c) => {
  const session = await readRecoverySession(c)
  if (session instanceof Response) return session
  const form = c.get('form')
  const account = checkFormAccount(form[ACCOUNT_FIELD], session.userId)
  if (!account.ok) {
    // Another tab switched this browser's account since the form was shown (or the form predates the
    // field): nothing goes to Supabase; the form again, for the account held now, naming it. 409: the
    // form is well made, it conflicts with the browser's current state (RFC 9110 §15.5.10).
    c.set('reason', account.reason)
    const t = translatorOf(c)
    const notice = account.reason === 'account_changed' ? t.m.update.accountChanged : t.m.update.accountUnstated
    return renderForm(c, session, form.next, 409, { form: t.text(notice, { email: session.email }) })
  }
  if (await isOverLimit(c, 'UPDATE_SESSION_LIMITER', `session:${session.sessionId}`)) {
    // The session is still good: the form again with the wait, not a page that sends them to ask for a new email.
    return renderForm(c, session, form.next, failWith(c, 'rate_limited'), { form: titledMessage('rate_limited', translatorOf(c)) })
  }
  const checked = validatePasswordForm(form, c.get('config').passwordMinLength, translatorOf(c))
  if (!checked.ok) {
    c.set('reason', 'password_invalid')
    return renderForm(c, session, form.next, 400, checked.errors)
  }
  // Passwords known from breaches are refused here, before Supabase sees them (fails open; src/breached-password.ts).
  const breached = await refuseBreachedPassword(c, checked.password)
  if (breached) return renderForm(c, session, form.next, statusFor('breached_password'), breached)
  // updateUser refreshes a session that is about to expire (auth-js: within 90 s) before the PUT: a
  // refresh that fails is not waited out while auth-js retries it (middleware/supabase.ts).
  const outcome = await unlessUpstreamFails(c, c.get('supabase')().auth.updateUser({ password: checked.password }))
  if (outcome === UPSTREAM_FAILED) {
    const reason = outageReason(c.get('upstream'))
    return renderForm(c, session, form.next, failWith(c, reason), { form: titledMessage(reason, translatorOf(c)) })
  }
  const { error } = outcome
  if (error) {
    const reason = classifyAuthError(error, c.get('upstream'))
    const errors = formErrorsFor(c, reason, error as { reasons?: unknown; message?: unknown }, form.next)
    if (!errors) return renderReason(c, reason)
    return renderForm(c, session, form.next, failWith(c, reason), errors)
  }
  const target = continueTarget(c, form.next)
  // After continueTarget, which notes a refused next as the reason: the outcome that counts is the change.
  c.set('reason', 'password_updated')
  forgetConfirmedLink(c)
  forgetSwitch(c)
  const t = translatorOf(c)
  return renderPageHtml(c, 200, t.m.changed.pageTitle, passwordChangedHtml(t, session.email, target))
})

/** Where "Continue" goes once the password is settled: the checked `next`, or the site. */
function continueTarget(c: Context<AppEnv>, next: string | undefined): string {
  const siteUrl = c.get('config').siteUrl
  const continueTo = nextTarget(c, next, siteUrl)
  return checkedTarget(c, continueTo === UPDATE_PASSWORD_PATH ? siteUrl : continueTo)
}

interface RecoverySession {
  readonly email: string
  /** The session's user id (`sub`), which the form carries back. */
  readonly userId: string
  readonly sessionId: string
  /** The address of the account this browser held before the link switched it (login CSRF notice). */
  readonly switchedFrom: string | undefined
}

/** The verified recovery session, or the response that sends the person elsewhere. */
async function readRecoverySession(c: Context<AppEnv>): Promise<RecoverySession | Response> {
  const session = await readClaims(c)
  if (session.kind === 'upstream') return renderReason(c, session.reason)
  const claims = session.kind === 'session' ? session.claims : undefined
  if (!claims || typeof claims.email !== 'string' || typeof claims.session_id !== 'string' || typeof claims.sub !== 'string') {
    return redirectToForgot(c, 'session_missing')
  }
  const now = Math.floor(Date.now() / 1000)
  if (!isFreshRecoverySession(claims, now, c.get('config').recoveryMaxAgeSeconds)) {
    return redirectToForgot(c, staleRecoveryKind(claims) === 'ended' ? 'recovery_expired' : 'recovery_required')
  }
  return { email: claims.email, userId: claims.sub, sessionId: claims.session_id, switchedFrom: readSwitch(c, claims.sub) }
}

function redirectToForgot(c: Context<AppEnv>, reason: 'session_missing' | 'recovery_required' | 'recovery_expired') {
  c.set('reason', reason)
  return seeOther(c, `${FORGOT_PASSWORD_PATH}?reason=${reason}`)
}

/** Errors shown on the form itself; undefined means the reason gets its own page. */
function formErrorsFor(c: Context<AppEnv>, reason: Reason, error: { reasons?: unknown; message?: unknown }, next: string | undefined): UpdatePasswordErrors | undefined {
  const t = translatorOf(c)
  // A limit or trouble upstream: the session and the typed form are still good, saving again is the way forward.
  if (isRetryable(reason)) return { form: titledMessage(reason, t) }
  switch (reason) {
    case 'weak_password': {
      const reasons = Array.isArray(error.reasons) ? error.reasons.filter((r): r is string => typeof r === 'string') : []
      return { password: describeWeakPassword(reasons, t, typeof error.message === 'string' ? error.message : '') }
    }
    case 'same_password': {
      // What they typed is the password now: typed from memory, or saved a moment ago with the answer
      // lost (a timeout after Supabase had changed it). Either way it works: continuing is one click.
      return { form: titledMessage(reason, t), formLink: { href: continueTarget(c, next), label: t.m.changed.continue } }
    }
    case 'session_missing':
    case 'reauthentication_needed':
    // An answer we have no words for (a code newer than this Worker): the session may well still be good,
    // so the form stays, with the way to a new link should saving again fail too.
    case 'unexpected':
      return { form: titledMessage(reason, t), formLink: { href: FORGOT_PASSWORD_PATH, label: t.m.actions.newLink } }
    case 'mfa_required':
      // Only the main site can ask for the second factor: the way there.
      return { form: titledMessage(reason, t), formLink: { href: c.get('config').siteUrl, label: t.m.landing.back } }
    default:
      return undefined
  }
}

function renderForm(
  c: Context<AppEnv>,
  session: RecoverySession,
  next: string | undefined,
  status: number,
  errors: UpdatePasswordErrors,
) {
  const t = translatorOf(c)
  const props = {
    t,
    csrfToken: c.get('csrfToken'),
    email: session.email,
    userId: session.userId,
    switchedFrom: session.switchedFrom,
    minLength: c.get('config').passwordMinLength,
    next: carriedNext(next),
  }
  if (!hasErrors(errors)) return renderPageHtml(c, status, t.m.update.title, freshUpdateFormHtml(props))
  return renderPage(c, status, t.m.update.errorTitle, <UpdatePasswordForm {...props} errors={errors} />)
}
