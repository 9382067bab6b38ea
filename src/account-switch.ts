/**
 * Login CSRF defence: when confirming a link signs this browser in as an account other than the one
 * it held, we remember (in an HttpOnly cookie, bound to the new account's user id) which account it
 * held, so the next page can say "you are now signed in as …; you were signed in as …" and offer a
 * sign-out. Bound to the user id so a stale notice never shows for a later, unrelated session.
 * Trade-off: the previous address sits in a cookie of the same browser that held it, for the recovery window.
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from './app-env'
import { ACCOUNT_SWITCH_COOKIE_PLAIN, ACCOUNT_SWITCH_COOKIE_SECURE } from './constants'
import type { HeldAccount } from './lib/held-account'
import { isSecureRequest } from './lib/secure-request'

const valueRe = /^([0-9a-f-]{16,64})\|(.{0,320})$/i

function cookieName(c: Context<AppEnv>): string {
  return isSecureRequest(c) ? ACCOUNT_SWITCH_COOKIE_SECURE : ACCOUNT_SWITCH_COOKIE_PLAIN
}

/** The account the browser held before confirming, when it differs from the one it holds now. */
export function switchedFrom(held: HeldAccount | undefined, nowUserId: string | undefined): HeldAccount | undefined {
  if (!held || !nowUserId) return undefined
  return held.userId === nowUserId.toLowerCase() ? undefined : held
}

/** Remember that this browser switched from `previous` to the account `nowUserId`. */
export function rememberSwitch(c: Context<AppEnv>, previous: HeldAccount, nowUserId: string): void {
  setCookie(c, cookieName(c), `${nowUserId.toLowerCase()}|${previous.email ?? ''}`, {
    path: '/',
    httpOnly: true,
    secure: isSecureRequest(c),
    sameSite: 'Lax',
    maxAge: c.get('config').recoveryMaxAgeSeconds,
  })
}

/** The previous account's address (empty string when it had none), if this browser switched to `userId`. */
export function readSwitch(c: Context<AppEnv>, userId: string): string | undefined {
  const match = valueRe.exec(getCookie(c, cookieName(c)) ?? '')
  if (!match || match[1]?.toLowerCase() !== userId.toLowerCase()) return undefined
  return match[2] ?? ''
}

export function forgetSwitch(c: Context<AppEnv>): void {
  if (getCookie(c, cookieName(c)) !== undefined) deleteCookie(c, cookieName(c), { path: '/', secure: isSecureRequest(c) })
}
