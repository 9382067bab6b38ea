/**
 * The new-password form and the success page. The form names the account in full (the person who
 * holds the link for that mailbox may see it), says which account this browser held before when a
 * link switched it, and offers a sign-out: a link someone else sent cannot sign anyone in unnoticed.
 * A hidden username field lets password managers store the new password against the right account.
 */
import { MAX_PASSWORD_BYTES } from '../constants'
import type { UpdatePasswordErrors } from '../lib/password-form'
import { CsrfField, Field, Notice, SignOutForm } from './components'


export interface UpdatePasswordFormProps {
  readonly csrfToken: string
  readonly email: string
  /** The address of the account this browser held before this link, when it was another one. */
  readonly switchedFrom?: string | undefined
  readonly minLength: number
  readonly next: string | undefined
  readonly errors?: UpdatePasswordErrors
}

export function UpdatePasswordForm(props: UpdatePasswordFormProps) {
  const errors = props.errors ?? {}
  return (
    <>
      <h1>Choose a new password</h1>
      {props.switchedFrom !== undefined ? (
        <Notice kind="error">
          This link signed this browser in to another account. You were signed in as{' '}
          <strong class="address">{props.switchedFrom || 'another account'}</strong>; you are now signed in as{' '}
          <strong class="address">{props.email}</strong>. If you did not expect this, sign out below.
        </Notice>
      ) : null}
      <p>
        You are choosing a new password for <strong class="address">{props.email}</strong>. If that is not your
        account, do not continue: sign out below.
      </p>
      {errors.form ? (
        <Notice kind="error">
          {errors.form}
          {errors.formLink ? (
            <>
              {' '}
              <a href={errors.formLink.href}>{errors.formLink.label}</a>
            </>
          ) : null}
        </Notice>
      ) : null}
      <form method="post" action="/account/update-password" novalidate>
        <CsrfField token={props.csrfToken} />
        {props.next !== undefined ? <input type="hidden" name="next" value={props.next} /> : null}
        <input type="email" name="username" autocomplete="username" value={props.email} hidden readonly />
        <Field
          name="password"
          label="New password"
          type="password"
          autocomplete="new-password"
          hint={`At least ${props.minLength} characters. A few unrelated words make a strong password.`}
          error={errors.password}
          minlength={props.minLength}
          maxlength={MAX_PASSWORD_BYTES}
          autofocus={!errors.password_confirm || Boolean(errors.password)}
        />
        <Field
          name="password_confirm"
          label="New password again"
          type="password"
          autocomplete="new-password"
          error={errors.password_confirm}
          minlength={props.minLength}
          maxlength={MAX_PASSWORD_BYTES}
          autofocus={Boolean(errors.password_confirm) && !errors.password}
        />
        <button type="submit">Save new password</button>
      </form>
      <SignOutForm csrfToken={props.csrfToken} label={`Not ${props.email}? Sign out`} />
    </>
  )
}

export function PasswordChangedPage(props: { readonly continueTo: string }) {
  return (
    <>
      <h1>Your password has been changed</h1>
      <Notice kind="ok">
        Your new password is saved. You are still signed in on this device; every other device where you were signed in
        has been signed out.
      </Notice>
      <ul class="actions">
        <li>
          <a class="button" href={props.continueTo}>
            Continue
          </a>
        </li>
      </ul>
      <p class="muted">If you did not make this change, reset your password again straight away.</p>
    </>
  )
}
