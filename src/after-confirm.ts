/**
 * Where a person goes once a link or code has signed them in, and the login CSRF rule: nobody is
 * switched to another account without being shown it. Recovery and invite always go through the
 * new-password form, which names the account in full (with `next` carried on to after it); any other
 * confirmation that replaced a different account's session goes through the "signed in as" page.
 */
import type { Context } from 'hono'
import type { AppEnv } from './app-env'
import { rememberSwitch, switchedFrom } from './account-switch'
import { SIGNED_IN_PATH, UPDATE_PASSWORD_PATH } from './constants'
import type { HeldAccount } from './lib/held-account'
import { seeOther, withNext } from './redirects'

export interface Confirmed {
  /** Recovery and invite: the next page must be the new-password form. */
  readonly needsPasswordForm: boolean
  /** The checked target to continue to afterwards. */
  readonly next: string
  /** The account the browser held before (from its cookie), if any. */
  readonly held: HeldAccount | undefined
  /** The account the confirmation signed in. */
  readonly userId: string | undefined
}

/** The 303 after a successful confirmation. */
export function continueAfterConfirm(c: Context<AppEnv>, confirmed: Confirmed): Response {
  const previous = switchedFrom(confirmed.held, confirmed.userId)
  if (previous && confirmed.userId) {
    rememberSwitch(c, previous, confirmed.userId)
    c.set('reason', `${String(c.get('reason') ?? 'confirmed')}_switched_account`)
  }
  if (confirmed.needsPasswordForm) return seeOther(c, withNext(UPDATE_PASSWORD_PATH, confirmed.next))
  if (previous) return seeOther(c, withNext(SIGNED_IN_PATH, confirmed.next))
  return seeOther(c, confirmed.next)
}
