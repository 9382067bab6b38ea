/**
 * The reset request form and the "check your email" page. The latter is identical whether or not
 * the account exists (only the CSRF token differs), so it tells nobody which addresses have accounts.
 */
import { FORGOT_PASSWORD_PATH, MAX_EMAIL_LENGTH, RATE_LIMIT_RETRY_AFTER_SECONDS, VERIFY_CODE_PATH } from '../constants'
import { fill, type Translator } from '../i18n/catalogue'
import { Address, CsrfField, Field, Notice } from './components'
import { cutMemo, htmlThroughCut } from './template'

const cuts = cutMemo()

/** Why the person was sent here: no session, or one whose reset window ended (the same words: ask for a new link), or one that never came from a link. */
export const FORGOT_NOTICES = ['session_missing', 'recovery_expired', 'recovery_required'] as const
export type ForgotNotice = (typeof FORGOT_NOTICES)[number] | undefined

export function ForgotPasswordForm(props: {
  readonly t: Translator
  readonly csrfToken: string
  readonly email?: string
  readonly error?: string
  readonly notice?: ForgotNotice
  /** What stopped the last request (a limit), above the form. */
  readonly refusal?: string
}) {
  const { m } = props.t
  return (
    <>
      <h1>{m.forgot.title}</h1>
      {props.notice ? (
        <Notice kind="info">{props.notice === 'recovery_required' ? m.forgot.recoveryRequired : m.forgot.sessionMissing}</Notice>
      ) : null}
      {props.refusal ? <Notice kind="error">{props.refusal}</Notice> : null}
      <p>{m.forgot.intro}</p>
      <form method="post" action={FORGOT_PASSWORD_PATH} novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="email"
          label={m.forgot.email}
          type="email"
          autocomplete="email"
          inputmode="email"
          value={props.email}
          error={props.error}
          maxlength={MAX_EMAIL_LENGTH}
          autofocus
        />
        <button type="submit">{m.forgot.submit}</button>
      </form>
      <p class="muted">{fill(m.forgot.haveCode, { link: <a href={VERIFY_CODE_PATH}>{m.forgot.haveCodeLink}</a> })}</p>
    </>
  )
}

export function CheckEmailPage(props: { readonly t: Translator; readonly maskedEmail: string }) {
  const { m } = props.t
  // "ask again in a minute": Supabase's own cooldown between two emails to one address is 60 s.
  const nothing = props.t.count(m.checkEmail.nothing, Math.ceil(RATE_LIMIT_RETRY_AFTER_SECONDS / 60), { link: '{link}' })
  return (
    <>
      <h1>{m.checkEmail.title}</h1>
      <Notice kind="ok">{fill(m.checkEmail.sent, { email: <Address>{props.maskedEmail}</Address> })}</Notice>
      <p>{m.checkEmail.expiry}</p>
      <ul class="actions">
        <li>
          <a class="button" href={VERIFY_CODE_PATH}>
            {m.checkEmail.haveCode}
          </a>
        </li>
      </ul>
      <p class="muted">{fill(nothing, { link: <a href={FORGOT_PASSWORD_PATH}>{m.checkEmail.askAgain}</a> })}</p>
    </>
  )
}

/** A fresh form's markup (no address typed, no error): cut once per language and notice, then filled. */
export function forgotFormHtml(t: Translator, csrfToken: string, notice: ForgotNotice): string {
  return htmlThroughCut(cuts, t, `form:${notice ?? ''}`, [csrfToken], ([token]) => (
    <ForgotPasswordForm t={t} csrfToken={token!} notice={notice} />
  ))
}

/** The "check your email" page's markup: cut once per language, then filled with the masked address. */
export function checkEmailHtml(t: Translator, maskedEmail: string): string {
  return htmlThroughCut(cuts, t, 'sent', [maskedEmail], ([masked]) => <CheckEmailPage t={t} maskedEmail={masked!} />)
}
