/**
 * The new-password form and the success page. The form names the account in full (the person who
 * holds the link for that mailbox may see it), says which account this browser held before when a
 * link switched it, and offers a sign-out: a link someone else sent cannot sign anyone in unnoticed.
 * A hidden username field lets password managers store the new password against the right account,
 * and a hidden account id lets the save be refused once another tab has switched the browser's account.
 */
import { ACCOUNT_FIELD, FORGOT_PASSWORD_PATH, MAX_PASSWORD_BYTES, UPDATE_PASSWORD_PATH } from '../constants'
import { fill, type Translator } from '../i18n/catalogue'
import type { UpdatePasswordErrors } from '../lib/password-form'
import { Address, CsrfField, Field, Notice, SignOutForm } from './components'
import { cutMemo, htmlThroughCut } from './template'

const cuts = cutMemo()

export interface UpdatePasswordFormProps {
  readonly t: Translator
  readonly csrfToken: string
  readonly email: string
  /** The session's user id: sent back with the form, so a save for another account is refused (lib/form-account.ts). */
  readonly userId: string
  /** The address of the account this browser held before this link, when it was another one. */
  readonly switchedFrom?: string | undefined
  readonly minLength: number
  readonly next: string | undefined
  readonly errors?: UpdatePasswordErrors
}

export function UpdatePasswordForm(props: UpdatePasswordFormProps) {
  const errors = props.errors ?? {}
  const { m } = props.t
  const email = <Address>{props.email}</Address>
  return (
    <>
      <h1>{m.update.title}</h1>
      {props.switchedFrom !== undefined ? (
        <Notice kind="error">
          {fill(m.update.switched, {
            previous: props.switchedFrom ? <Address>{props.switchedFrom}</Address> : <strong>{m.account.anotherAccount}</strong>,
            email,
          })}
        </Notice>
      ) : null}
      <p>{fill(m.update.forAccount, { email })}</p>
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
      <form method="post" action={UPDATE_PASSWORD_PATH} novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name={ACCOUNT_FIELD} value={props.userId} />
        {props.next !== undefined ? <input type="hidden" name="next" value={props.next} /> : null}
        <input type="email" name="username" autocomplete="username" value={props.email} hidden readonly />
        <Field
          name="password"
          label={m.update.password}
          type="password"
          autocomplete="new-password"
          hint={props.t.count(m.update.hint, props.minLength)}
          error={errors.password}
          minlength={props.minLength}
          maxlength={MAX_PASSWORD_BYTES}
          // Always the first field: both come back empty (never echoed), so typing starts here again.
          autofocus
        />
        <Field
          name="password_confirm"
          label={m.update.again}
          type="password"
          autocomplete="new-password"
          error={errors.password_confirm}
          minlength={props.minLength}
          maxlength={MAX_PASSWORD_BYTES}
        />
        <button type="submit">{m.update.submit}</button>
      </form>
      <SignOutForm csrfToken={props.csrfToken} label={props.t.text(m.update.notYou, { email: props.email })} />
    </>
  )
}

export function PasswordChangedPage(props: { readonly t: Translator; readonly email: string; readonly continueTo: string }) {
  const { m } = props.t
  return (
    <>
      <h1>{m.changed.title}</h1>
      <p>{fill(m.changed.forAccount, { email: <Address>{props.email}</Address> })}</p>
      <Notice kind="ok">{m.changed.saved}</Notice>
      <ul class="actions">
        <li>
          <a class="button" href={props.continueTo}>
            {m.changed.continue}
          </a>
        </li>
      </ul>
      <p class="muted">
        <a href={FORGOT_PASSWORD_PATH}>{m.changed.notYou}</a>
      </p>
    </>
  )
}

/**
 * The form's markup when it shows no error (the page every reset sees): cut once per language and
 * variant (minimum length, whether it carries `next`, whether a link switched accounts), then filled.
 */
export function freshUpdateFormHtml(props: Omit<UpdatePasswordFormProps, 'errors'>): string {
  const { t, minLength, next, switchedFrom } = props
  // Values the variant shows, and where the optional ones sit among them (-1: not shown).
  const values = [props.csrfToken, props.email, props.userId]
  const nextAt = next === undefined ? -1 : values.push(next) - 1
  const switchedAt = switchedFrom ? values.push(switchedFrom) - 1 : -1
  const switched = switchedFrom === undefined ? 'same' : switchedFrom ? 'named' : 'unnamed'
  return htmlThroughCut(cuts, t, `form:${minLength}:${next !== undefined}:${switched}`, values, (v) => (
    <UpdatePasswordForm
      t={t}
      csrfToken={String(v[0])}
      email={String(v[1])}
      userId={String(v[2])}
      minLength={minLength}
      next={nextAt < 0 ? undefined : String(v[nextAt])}
      switchedFrom={switchedAt < 0 ? switchedFrom : String(v[switchedAt])}
    />
  ))
}

/** The success page's markup: cut once per language, then filled with the account and where "Continue" goes. */
export function passwordChangedHtml(t: Translator, email: string, continueTo: string): string {
  return htmlThroughCut(cuts, t, 'changed', [email, continueTo], ([address, href]) => (
    <PasswordChangedPage t={t} email={address!} continueTo={href!} />
  ))
}
