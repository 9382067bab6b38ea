/**
 * The 6-digit code form: the way in when a mail scanner burned the link or the link will not open.
 */
import { FORGOT_PASSWORD_PATH, MAX_EMAIL_LENGTH, VERIFY_CODE_PATH } from '../constants'
import { fill, type Translator } from '../i18n/catalogue'
import { CsrfField, Field, Notice } from './components'

export interface VerifyCodeErrors {
  readonly email?: string | undefined
  readonly code?: string | undefined
  readonly form?: string | undefined
}

export function VerifyCodeForm(props: {
  readonly t: Translator
  readonly csrfToken: string
  readonly email?: string
  readonly errors?: VerifyCodeErrors
}) {
  const errors = props.errors ?? {}
  const { m } = props.t
  return (
    <>
      <h1>{m.verify.title}</h1>
      <p>{m.verify.intro}</p>
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      <form method="post" action={VERIFY_CODE_PATH} novalidate>
        <CsrfField token={props.csrfToken} />
        <Field
          name="email"
          label={m.verify.email}
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
          label={m.verify.code}
          type="text"
          autocomplete="one-time-code"
          inputmode="numeric"
          pattern="[0-9 ]*"
          hint={m.verify.hint}
          error={errors.code}
          maxlength={12}
          autofocus={Boolean(props.email) && !errors.email}
        />
        <button type="submit">{m.verify.submit}</button>
      </form>
      <p class="muted">{fill(m.verify.noCode, { link: <a href={FORGOT_PASSWORD_PATH}>{m.verify.askNew}</a> })}</p>
    </>
  )
}
