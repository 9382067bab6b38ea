/**
 * Remembers, as a SHA-256 in an HttpOnly cookie, the link this browser confirmed, so that a second
 * click (double click, back button, scanner then person) continues while the recovery session it
 * created is fresh, instead of showing "expired". The hash proves it is the same link without
 * storing the token; the freshness check keeps it from outliving the recovery window.
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from './app-env'
import { CONFIRMED_LINK_COOKIE_PLAIN, CONFIRMED_LINK_COOKIE_SECURE } from './constants'
import { sha256 } from './lib/crypto'
import { isFreshRecoverySession } from './lib/recovery-session'
import { isSecureRequest } from './lib/secure-request'
import { readClaims } from './session'

function confirmedLinkCookie(c: Context<AppEnv>): string {
  return isSecureRequest(c) ? CONFIRMED_LINK_COOKIE_SECURE : CONFIRMED_LINK_COOKIE_PLAIN
}

/** Remember, as a hash, the link (its token hash or PKCE code) this browser confirmed, while the recovery session is fresh. */
export async function rememberConfirmedLink(c: Context<AppEnv>, linkSecret: string) {
  setCookie(c, confirmedLinkCookie(c), await sha256(linkSecret), {
    path: '/',
    httpOnly: true,
    secure: isSecureRequest(c),
    sameSite: 'Lax',
    maxAge: c.get('config').recoveryMaxAgeSeconds,
  })
}

/**
 * `continue` for a second click on the link this browser confirmed, while its recovery session is
 * fresh; `verify` when the link is not known to have been used here; `upstream` when the session could
 * not be checked (Supabase unreachable): sending the spent link to Supabase again would say "expired".
 */
export type ConfirmedLinkCheck =
  | { readonly kind: 'continue' }
  | { readonly kind: 'verify' }
  | { readonly kind: 'upstream'; readonly reason: 'upstream_timeout' | 'upstream_unavailable' }

export async function checkConfirmedLink(c: Context<AppEnv>, linkSecret: string): Promise<ConfirmedLinkCheck> {
  const remembered = getCookie(c, confirmedLinkCookie(c))
  if (!remembered || remembered !== (await sha256(linkSecret))) return VERIFY
  const session = await readClaims(c)
  if (session.kind === 'upstream') return session
  if (session.kind !== 'session') return VERIFY
  return isFreshRecoverySession(session.claims, Math.floor(Date.now() / 1000), c.get('config').recoveryMaxAgeSeconds) ? CONTINUE : VERIFY
}

const CONTINUE: ConfirmedLinkCheck = { kind: 'continue' }
const VERIFY: ConfirmedLinkCheck = { kind: 'verify' }

/** After the password is changed the link has done its job. */
export function forgetConfirmedLink(c: Context<AppEnv>): void {
  if (getCookie(c, confirmedLinkCookie(c)) === undefined) return
  deleteCookie(c, confirmedLinkCookie(c), { path: '/', secure: isSecureRequest(c) })
}
