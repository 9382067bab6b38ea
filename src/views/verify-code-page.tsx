/**
 * The 6-digit code form: the way in when a mail scanner burned the link or the link will not open.
 */
import { FORGOT_PASSWORD_PATH, MAX_EMAIL_LENGTH } from '../constants'
import { CsrfField, Field, Notice } from './components'

export interface VerifyCodeErrors {
  readonly email?: string | undefined
  readonly code?: string | undefined
  readonly form?: string | undefined
}

export function VerifyCodeForm(props: { readonly csrfToken: string; readonly email?: string; readonly errors?: VerifyCodeErrors }) {
  const errors = props.errors ?? {}
  return (
    <>
      <h1>Enter your code</h1>
      <p>Type the email address you asked for a reset with, and the 6-digit code from the email we sent.</p>
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      <form method="post" action="/account/verify-code" novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="email"
          label="Email address"
          type="email"
          autocomplete="email"
          inputmode="email"
          value={props.email}
          error={errors.email}
          maxlength={MAX_EMAIL_LENGTH}
          autofocus={!props.email || Boolean(errors.email)}
        />
        <Field
          name="code"
          label="Code"
          type="text"
          autocomplete="one-time-code"
          inputmode="numeric"
          pattern="[0-9 ]*"
          hint="6 digits, from the same email as the link."
          error={errors.code}
          maxlength={12}
          autofocus={Boolean(props.email) && !errors.email}
        />
        <button type="submit">Continue</button>
      </form>
      <p class="muted">
        No code, or it expired? <a href={FORGOT_PASSWORD_PATH}>Ask for a new email</a>
      </p>
    </>
  )
}
