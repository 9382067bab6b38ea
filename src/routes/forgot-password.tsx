/**
 * /account/forgot-password: asks Supabase to email a reset link. The answer is the same page, at
 * about the same time, whatever happens upstream (unknown address, Supabase's 60 s cooldown 429,
 * slowness, outage): the call runs in waitUntil and we answer once the PKCE code-verifier cookie is
 * written, which happens before the network call (field notes §3.9, supabase/auth#2398).
 */
import { Hono } from 'hono/tiny'
import type { Context } from 'hono'
import * as z from 'zod/mini'
import type { AppEnv } from '../app-env'
import { MAX_EMAIL_LENGTH, UPDATE_PASSWORD_PATH } from '../constants'
import { eventScope, recordResetEmail } from '../events'
import { EMAIL_FORMAT_RE } from '../lib/email-format'
import { lazy } from '../lib/lazy'
import { clientIp, emailKey, isOverLimit } from '../lib/rate-limit'
import { classifyAuthError } from '../lib/reasons'
import { maskEmail } from '../lib/recovery-session'
import { requestUrl } from '../lib/secure-request'
import { checkedTarget } from '../redirects'
import { readClaims } from '../session'
import { checkEmailHtml, FORGOT_NOTICES, ForgotPasswordForm, forgotFormHtml, type ForgotNotice } from '../views/forgot-password-page'
import { titledMessage } from '../views/reason-copy'
import { failWith, renderPage, renderPageHtml, translatorOf } from '../views/render'

export const forgotPasswordRoutes = new Hono<AppEnv>()

// Supabase's own format check (lib/email-format.ts): any address it accepts can ask for a link here.
const emailSchema = lazy(() => z.string().check(z.trim(), z.toLowerCase(), z.maxLength(MAX_EMAIL_LENGTH), z.regex(EMAIL_FORMAT_RE)))
const NOTICE_CODES: ReadonlySet<string> = new Set(FORGOT_NOTICES)

forgotPasswordRoutes.get('/', async (c) => {
  const code = c.req.query('reason')
  const notice = code && NOTICE_CODES.has(code) ? (code as ForgotNotice) : undefined
  const t = translatorOf(c)
  // Sent here by the new-password page with a session that is not (or no longer) a fresh reset: the
  // form starts with that session's address, so a new link is one press after a form left open too long.
  const email = notice === 'recovery_expired' || notice === 'recovery_required' ? await sessionEmail(c) : undefined
  if (email) return renderPage(c, 200, t.m.forgot.title, <ForgotPasswordForm t={t} csrfToken={c.get('csrfToken')} email={email} notice={notice} />)
  return renderPageHtml(c, 200, t.m.forgot.title, forgotFormHtml(t, c.get('csrfToken'), notice))
})

/** The address of the session this browser holds, verified; none when it holds none or it cannot be checked now. */
async function sessionEmail(c: Context<AppEnv>): Promise<string | undefined> {
  const session = await readClaims(c)
  const email = session.kind === 'session' ? session.claims.email : undefined
  return typeof email === 'string' && email.length <= MAX_EMAIL_LENGTH ? email : undefined
}

forgotPasswordRoutes.post('/', async (c) => {
  const parsed = emailSchema().safeParse(c.get('form').email ?? '')
  const t = translatorOf(c)
  if (!parsed.success) {
    c.set('reason', 'email_invalid')
    return renderPage(
      c,
      400,
      t.m.forgot.errorTitle,
      <ForgotPasswordForm
        t={t}
        csrfToken={c.get('csrfToken')}
        email={(c.get('form').email ?? '').slice(0, MAX_EMAIL_LENGTH)}
        error={t.m.forgot.invalidEmail}
      />,
    )
  }
  const email = parsed.data
  if (
    (await isOverLimit(c, 'FORGOT_IP_LIMITER', clientIp(c))) ||
    (await isOverLimit(c, 'FORGOT_EMAIL_LIMITER', await emailKey(email)))
  ) {
    // The form again with the address and the wait: sending it again later is the way forward.
    const status = failWith(c, 'rate_limited')
    const refusal = titledMessage('rate_limited', t)
    return renderPage(c, status, t.m.forgot.errorTitle, <ForgotPasswordForm t={t} csrfToken={c.get('csrfToken')} email={email} refusal={refusal} />)
  }
  await sendInBackground(c, email)
  c.set('reason', 'reset_requested')
  return renderPageHtml(c, 200, t.m.checkEmail.title, checkEmailHtml(t, maskEmail(email)))
})

/**
 * Supabase's refusals to send that are the project's settings, not a passing failure: each gets its own
 * word in the log line and event, as no reset email goes until an operator acts (README, "When something
 * goes wrong"). Both address refusals come only for an existing account, which is why the page cannot
 * say them (enumeration).
 */
const SETTINGS_REFUSALS: ReadonlyMap<string, string> = new Map([
  // CAPTCHA protection on: every request without a token is refused (supabase/auth internal/api/middleware.go:257-260).
  ['captcha_failed', 'captcha_required'],
  // Supabase's built-in SMTP sends only to the project team's addresses (internal/api/mail.go:772-775).
  ['email_address_not_authorized', 'email_address_not_authorized'],
  // Email validation refused the address: example.com, .test, typo domains, no MX (internal/api/mail.go:918-927).
  ['email_address_invalid', 'email_address_invalid'],
  // The Email provider is off under Authentication → Providers: every request is refused (internal/api/middleware.go:226-235).
  ['email_provider_disabled', 'email_provider_disabled'],
])

/** What became of the email, for the log line and event: a Reason, or one of SETTINGS_REFUSALS' words. */
function emailOutcome(error: { code?: string; status?: number; name?: string }, upstream: { timedOut: boolean }): string {
  return SETTINGS_REFUSALS.get(error.code ?? '') ?? classifyAuthError(error, upstream)
}

async function sendInBackground(c: Context<AppEnv>, email: string): Promise<void> {
  const redirectTo = checkedTarget(c, `${requestUrl(c.req.raw).origin}/auth/confirm?next=${UPDATE_PASSWORD_PATH}`)
  const upstream = c.get('upstream')
  const requestId = c.get('requestId')
  const scope = eventScope(c)
  // On nobody's behalf: a session this browser holds plays no part (and an expired one is not refreshed).
  const sending = c.get('supabase')({ session: 'ignore' }).auth
    .resetPasswordForEmail(email, { redirectTo })
    .then(({ error }) => ({
      outcome: error ? emailOutcome(error, upstream) : 'sent',
      refusedCode: error?.status === 429 ? (upstream.refusedCode ?? 'unknown') : undefined,
    }))
    .catch(() => ({ outcome: 'unexpected', refusedCode: undefined }))
    // Log lines and auth event (events.ts): a refused email is visible only there (enumeration).
    .then((result) => recordResetEmail(scope, requestId, { ...result, upstreamMs: upstream.ms, upstreamCalls: upstream.calls }))
  try {
    c.executionCtx.waitUntil(sending)
  } catch {
    await sending // no execution context (app.request in unit tests): just finish the call
  }
  // supabase-js writes the code-verifier cookie before the request leaves: wait for that, not for Supabase.
  await Promise.race([c.get('upstreamStarted'), sending])
  c.get('sealCookies')()
}
