/**
 * The reset request form and the "check your email" page. The latter is identical whether or not
 * the account exists (only the CSRF token differs), so it tells nobody which addresses have accounts.
 */
import { MAX_EMAIL_LENGTH, VERIFY_CODE_PATH } from '../constants'
import { CsrfField, Field, Notice } from './components'

export type ForgotNotice = 'session_missing' | 'recovery_required' | undefined

const NOTICES: Record<Exclude<ForgotNotice, undefined>, string> = {
  session_missing: 'Your reset session has ended or was never started. Ask for a new link below.',
  recovery_required: 'To set a new password here, first confirm it is you with a link we email you.',
}

export function ForgotPasswordForm(props: {
  readonly csrfToken: string
  readonly email?: string
  readonly error?: string
  readonly notice?: ForgotNotice
}) {
  return (
    <>
      <h1>Reset your password</h1>
      {props.notice ? <Notice kind="info">{NOTICES[props.notice]}</Notice> : null}
      <p>Enter the email address of your account. We will send you a link and a code to choose a new password.</p>
      <form method="post" action="/account/forgot-password" novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="email"
          label="Email address"
          type="email"
          autocomplete="email"
          inputmode="email"
          value={props.email}
          error={props.error}
          maxlength={MAX_EMAIL_LENGTH}
          autofocus
        />
        <button type="submit">Send me a reset link</button>
      </form>
      <p class="muted">
        Already have a code from us? <a href={VERIFY_CODE_PATH}>Enter the code</a>
      </p>
    </>
  )
}

export function CheckEmailPage(props: { readonly maskedEmail: string; readonly csrfToken: string }) {
  return (
    <>
      <h1>Check your email</h1>
      <Notice kind="ok">
        If there is an account for <strong>{props.maskedEmail}</strong>, we have sent it an email with a link and a
        6-digit code to reset the password.
      </Notice>
      <p>The link and the code work once and expire after a while. Open the link on this device if you can.</p>
      <ul class="actions">
        <li>
          <a class="button" href={VERIFY_CODE_PATH}>
            I have a code
          </a>
        </li>
      </ul>
      <p class="muted">
        Nothing after a few minutes? Check your spam folder, make sure the address is right, or{' '}
        <a href="/account/forgot-password">ask again</a> in a minute.
      </p>
    </>
  )
}
