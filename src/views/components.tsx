/**
 * Small building blocks for the forms: labelled fields with errors tied to them, notices that
 * screen readers announce, and the hidden CSRF field. Props only; no data access.
 */
import type { Child } from 'hono/jsx'
import { CSRF_FIELD, SIGN_OUT_PATH } from '../constants'

export interface FieldProps {
  readonly name: string
  readonly label: string
  readonly type: 'email' | 'password' | 'text'
  readonly autocomplete: string
  readonly value?: string | undefined
  readonly error?: string | undefined
  readonly hint?: string | undefined
  readonly required?: boolean
  readonly minlength?: number
  readonly maxlength?: number
  readonly inputmode?: 'numeric' | 'email'
  readonly pattern?: string
  readonly autofocus?: boolean
}

/** A labelled input; its hint and error are linked with aria-describedby. */
export function Field(props: FieldProps) {
  const id = `f-${props.name}`
  const describedBy = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ')
  return (
    <div>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <input
        id={id}
        name={props.name}
        type={props.type}
        autocomplete={props.autocomplete}
        value={props.value}
        required={props.required ?? true}
        minlength={props.minlength}
        maxlength={props.maxlength}
        inputmode={props.inputmode}
        pattern={props.pattern}
        dir={props.type === 'email' || props.inputmode === 'numeric' ? 'ltr' : undefined}
        autofocus={props.autofocus}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  )
}

/** A message box. `error` notices are announced at once (role=alert), others politely. */
export function Notice({ kind, children }: { readonly kind: 'error' | 'ok' | 'info'; readonly children?: Child }) {
  return (
    <div class={`notice ${kind === 'info' ? '' : kind}`.trim()} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}

export function CsrfField({ token }: { readonly token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />
}

export interface LinkAction {
  readonly href: string
  readonly label: string
}

/** A list of ways forward, the first as the main button. */
export function Actions({ actions }: { readonly actions: readonly LinkAction[] }) {
  return (
    <ul class="actions">
      {actions.map((action, i) => (
        <li>
          <a class={i === 0 ? 'button' : 'button secondary'} href={action.href}>
            {action.label}
          </a>
        </li>
      ))}
    </ul>
  )
}

/** "Sign out" as a CSRF-protected POST (a GET must never change anything). */
export function SignOutForm({ csrfToken, label }: { readonly csrfToken: string; readonly label: string }) {
  return (
    <form method="post" action={SIGN_OUT_PATH} class="sign-out">
      <CsrfField token={csrfToken} />
      <button type="submit" class="secondary">
        {label}
      </button>
    </form>
  )
}

/**
 * An email address inside a sentence. Its class (style.ts) keeps it left to right, as its own
 * isolated run, inside right-to-left text, and lets it wrap anywhere on narrow screens.
 */
export function Address({ children }: { readonly children?: Child }) {
  return <strong class="address">{children}</strong>
}
