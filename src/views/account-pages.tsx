/**
 * The pages around an account switch: "you are now signed in as …; you were signed in as …" with a
 * way on and a way out, and the signed-out page. Props only; no data access.
 */
import { fill, type Translator } from '../i18n/catalogue'
import { Actions, Address, Notice, SignOutForm } from './components'

export function SignedInPage(props: {
  readonly t: Translator
  readonly email: string
  readonly previous: string
  readonly continueTo: string
  readonly csrfToken: string
}) {
  const { m } = props.t
  return (
    <>
      <h1>{m.account.signedInTitle}</h1>
      <Notice kind="error">
        {fill(m.account.signedIn, {
          email: <Address>{props.email}</Address>,
          previous: props.previous ? <Address>{props.previous}</Address> : <strong>{m.account.anotherAccount}</strong>,
        })}
      </Notice>
      <p>{m.account.advice}</p>
      <Actions actions={[{ href: props.continueTo, label: props.t.text(m.account.continueAs, { email: props.email }) }]} />
      <SignOutForm csrfToken={props.csrfToken} label={m.account.notYou} />
    </>
  )
}

export function SignOutPage(props: { readonly t: Translator; readonly csrfToken: string }) {
  const { m } = props.t
  return (
    <>
      <h1>{m.account.signOutTitle}</h1>
      <p>{m.account.signOutIntro}</p>
      <SignOutForm csrfToken={props.csrfToken} label={m.account.signOut} />
    </>
  )
}

export function SignedOutPage(props: { readonly t: Translator; readonly siteUrl: string }) {
  const { m } = props.t
  return (
    <>
      <h1>{m.account.signedOutTitle}</h1>
      <Notice kind="ok">{m.account.signedOut}</Notice>
      <Actions actions={[{ href: props.siteUrl, label: m.account.goToSite }]} />
    </>
  )
}
