/**
 * The scanner-proof interstitial: opening the link shows this page and spends nothing; only the
 * button (a same-origin POST with a CSRF token) spends the one-time token.
 */
import type { EmailOtpType } from '../config'
import { CsrfField } from './components'

const WORDING: Record<EmailOtpType, { title: string; button: string }> = {
  recovery: { title: 'Reset your password', button: 'Continue to choose a new password' },
  invite: { title: 'Accept your invitation', button: 'Continue to set your password' },
  magiclink: { title: 'Sign in', button: 'Continue to sign in' },
  signup: { title: 'Confirm your email address', button: 'Confirm my email address' },
  email: { title: 'Confirm your email address', button: 'Confirm my email address' },
  email_change: { title: 'Confirm your new email address', button: 'Confirm the change' },
}

export interface ConfirmPageProps {
  readonly type: EmailOtpType
  readonly tokenHash: string
  readonly next: string | undefined
  readonly csrfToken: string
}

export function confirmTitle(type: EmailOtpType): string {
  return WORDING[type].title
}

export function ConfirmPage({ type, tokenHash, next, csrfToken }: ConfirmPageProps) {
  const wording = WORDING[type]
  return (
    <>
      <h1>{wording.title}</h1>
      <p>Press the button to continue. Your link can be used once.</p>
      <form method="post" action="/auth/confirm">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="token_hash" value={tokenHash} />
        <input type="hidden" name="type" value={type} />
        {next !== undefined ? <input type="hidden" name="next" value={next} /> : null}
        <button type="submit">{wording.button}</button>
      </form>
      <p class="muted">
        Why this extra step? Some email security systems open links automatically to scan them. Asking for a press
        keeps them from using up your link before you do.
      </p>
    </>
  )
}
