/**
 * The pages around an account switch: "you are now signed in as …; you were signed in as …" with a
 * way on and a way out, and the signed-out page. Props only; no data access.
 */
import { Actions, Notice, SignOutForm } from './components'

export function SignedInPage(props: {
  readonly email: string
  readonly previous: string
  readonly continueTo: string
  readonly csrfToken: string
}) {
  return (
    <>
      <h1>Check which account you are signed in to</h1>
      <Notice kind="error">
        You are now signed in as <strong class="address">{props.email}</strong>. Before you opened this link, this
        browser was signed in as <strong class="address">{props.previous || 'another account'}</strong>.
      </Notice>
      <p>
        If you did not expect to switch accounts, someone may have sent you a link to their own account. Sign out, then
        sign in again to yours.
      </p>
      <Actions actions={[{ href: props.continueTo, label: `Continue as ${props.email}` }]} />
      <SignOutForm csrfToken={props.csrfToken} label="Not you? Sign out" />
    </>
  )
}

export function SignOutPage(props: { readonly csrfToken: string }) {
  return (
    <>
      <h1>Sign out of this browser</h1>
      <p>This ends the session in this browser. You can sign in again at any time.</p>
      <SignOutForm csrfToken={props.csrfToken} label="Sign out" />
    </>
  )
}

export function SignedOutPage(props: { readonly siteUrl: string }) {
  return (
    <>
      <h1>You are signed out</h1>
      <Notice kind="ok">This browser is no longer signed in. Sign in again to your own account to continue.</Notice>
      <Actions actions={[{ href: props.siteUrl, label: 'Go to the site' }]} />
    </>
  )
}
