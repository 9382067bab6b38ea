/**
 * /account/verify-code: email + 6-digit code → verifyOtp({ type: 'recovery' }) → the new-password
 * form. Works on any device and is immune to mail scanners. Attempts are limited per IP and per
 * address (edge limits), on top of Supabase's own per-IP verify limit and the code's expiry.
 */
import { Hono } from 'hono/tiny'
import type { Context } from 'hono'
import * as z from 'zod/mini'
import type { AppEnv } from '../app-env'
import { continueAfterConfirm } from '../after-confirm'
import { MAX_EMAIL_LENGTH, UPDATE_PASSWORD_PATH } from '../constants'
import { EMAIL_FORMAT_RE } from '../lib/email-format'
import { lazy } from '../lib/lazy'
import { normaliseCode } from '../lib/otp-code'
import { clientIp, emailKey, isOverLimit } from '../lib/rate-limit'
import { classifyAuthError, isRetryable, type Reason } from '../lib/reasons'
import { heldAccount } from '../session'
import { titledMessage } from '../views/reason-copy'
import { failWith, renderPage, renderReason, translatorOf } from '../views/render'
import { VerifyCodeForm } from '../views/verify-code-page'

export const verifyCodeRoutes = new Hono<AppEnv>()

const codeForm = lazy(() =>
  z.object({
  // Supabase's own format check (lib/email-format.ts).
  email: z.string().check(z.trim(), z.toLowerCase(), z.maxLength(MAX_EMAIL_LENGTH), z.regex(EMAIL_FORMAT_RE, { error: 'invalidEmail' })),
  code: z.pipe(
    z.pipe(z.string(), z.transform(normaliseCode)),
    z.string().check(z.regex(/^\d{6,10}$/, { error: 'invalidCode' })),
  ),
  }),
)

verifyCodeRoutes.get('/', (c) => {
  const t = translatorOf(c)
  return renderPage(c, 200, t.m.verify.title, <VerifyCodeForm t={t} csrfToken={c.get('csrfToken')} />)
})

verifyCodeRoutes.post('/', async (c) => {
  const form = c.get('form')
  const echoEmail = (form.email ?? '').slice(0, MAX_EMAIL_LENGTH)
  const parsed = codeForm().safeParse({ email: form.email ?? '', code: form.code ?? '' })
  const t = translatorOf(c)
  if (!parsed.success) {
    c.set('reason', 'code_form_invalid')
    const fields = z.flattenError(parsed.error).fieldErrors
    return renderPage(
      c,
      400,
      t.m.verify.errorTitle,
      <VerifyCodeForm
        t={t}
        csrfToken={c.get('csrfToken')}
        email={echoEmail}
        // Whatever the field's problem (shape, length), one sentence in the page's language says what to type.
        errors={{ email: fields.email ? t.m.verify.invalidEmail : undefined, code: fields.code ? t.m.verify.invalidCode : undefined }}
      />,
    )
  }
  const { email, code } = parsed.data
  if ((await isOverLimit(c, 'CODE_IP_LIMITER', clientIp(c))) || (await isOverLimit(c, 'CODE_EMAIL_LIMITER', await emailKey(email)))) {
    return formAgain(c, echoEmail, 'rate_limited')
  }
  const held = heldAccount(c)
  const { data, error } = await c.get('supabase')({ session: 'ignore' }).auth.verifyOtp({ email, token: code, type: 'recovery' })
  // A 200 without a session is no sign-in, and the code may be spent (see routes/confirm.tsx): could not tell.
  if (!error && !data.session) return formAgain(c, echoEmail, 'upstream_timeout')
  if (!error) {
    c.set('reason', 'code_verified')
    return continueAfterConfirm(c, { needsPasswordForm: true, next: UPDATE_PASSWORD_PATH, held, userId: data.user?.id })
  }
  const classified = classifyAuthError(error, c.get('upstream'))
  if (classified === 'account_unavailable') {
    // Supabase answers a banned account's address before it looks at the code (GoTrue verify.go,
    // verifyUserAndToken), so "this account cannot be used" would tell anyone which addresses are
    // banned: the page is a wrong code's; only the log line says what it was.
    const page = formAgain(c, echoEmail, 'code_invalid')
    c.set('reason', classified)
    return page
  }
  const reason = classified === 'link_expired' || classified === 'link_invalid' ? 'code_invalid' : classified
  // A wrong code, or a failure that spent nothing (a limit, trouble upstream): the form again, address kept.
  if (reason === 'code_invalid' || isRetryable(reason)) return formAgain(c, echoEmail, reason)
  return renderReason(c, reason)
})

/** The form again with the address typed, what happened above it, and the reason's status (429 with Retry-After). */
function formAgain(c: Context<AppEnv>, email: string, reason: Reason) {
  const status = failWith(c, reason)
  const t = translatorOf(c)
  return renderPage(c, status, t.m.verify.errorTitle, <VerifyCodeForm t={t} csrfToken={c.get('csrfToken')} email={email} errors={{ form: titledMessage(reason, t) }} />)
}
