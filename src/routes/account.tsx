/**
 * /account/signed-in: shown after a link signed this browser in to an account other than the one it
 * held (login CSRF), naming both, with "Continue" and "Not you? Sign out".
 * /account/sign-out: GET shows the button, POST (CSRF-protected) signs this browser out. If Supabase
 * cannot be told, the session cookies are cleared anyway: the person asked to be out of this browser.
 */
import { Hono } from 'hono/tiny'
import type { Context } from 'hono'
import { deleteCookie, getCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env'
import { forgetSwitch, readSwitch } from '../account-switch'
import { forgetConfirmedLink } from '../confirmed-link'
import { isSecureRequest } from '../lib/secure-request'
import { cookiesToClear } from '../lib/session-items'
import { unlessUpstreamFails, UPSTREAM_FAILED } from '../middleware/supabase'
import { checkedTarget, nextTarget, seeOther } from '../redirects'
import { readClaims } from '../session'
import { SignedInPage, SignedOutPage, SignOutPage } from '../views/account-pages'
import { renderPage, renderReason, translatorOf } from '../views/render'

export const signedInRoutes = new Hono<AppEnv>()
export const signOutRoutes = new Hono<AppEnv>()

signedInRoutes.get('/', async (c) => {
  const next = nextTarget(c, c.req.query('next'), c.get('config').siteUrl)
  const session = await readClaims(c)
  if (session.kind === 'upstream') return renderReason(c, session.reason)
  const { sub, email } = session.kind === 'session' ? session.claims : { sub: undefined, email: undefined }
  const previous = typeof sub === 'string' ? readSwitch(c, sub) : undefined
  // Nothing to warn about (no session, or no switch): straight on.
  if (typeof email !== 'string' || previous === undefined) return seeOther(c, next)
  c.set('reason', 'switched_account_shown')
  const t = translatorOf(c)
  return renderPage(
    c,
    200,
    t.m.account.signedInTitle,
    <SignedInPage t={t} email={email} previous={previous} continueTo={checkedTarget(c, next)} csrfToken={c.get('csrfToken')} />,
  )
})

signOutRoutes.get('/', (c) => {
  const t = translatorOf(c)
  return renderPage(c, 200, t.m.account.signOutPageTitle, <SignOutPage t={t} csrfToken={c.get('csrfToken')} />)
})

signOutRoutes.post('/', async (c) => {
  let told = false
  try {
    // An expired session is refreshed first: if that fails, the cookies go now, not after auth-js's retries.
    const outcome = await unlessUpstreamFails(c, c.get('supabase')().auth.signOut({ scope: 'local' }))
    told = outcome !== UPSTREAM_FAILED && !outcome.error
  } catch {
    told = false
  }
  if (!told) clearSessionCookies(c)
  forgetSwitch(c)
  forgetConfirmedLink(c)
  c.set('reason', told ? 'signed_out' : 'signed_out_locally')
  const t = translatorOf(c)
  return renderPage(c, 200, t.m.account.signedOutPageTitle, <SignedOutPage t={t} siteUrl={checkedTarget(c, c.get('config').siteUrl)} />)
})

/**
 * Delete what auth-js's own sign-out removes (lib/session-items.ts), with the attributes it was set
 * with: with COOKIE_DOMAIN, both the domain-wide copy and any host-only copy left from before it was set.
 */
function clearSessionCookies(c: Context<AppEnv>): void {
  const { sessionCookieName, cookieDomain } = c.get('config')
  const secure = isSecureRequest(c)
  for (const { name, domain } of cookiesToClear(Object.keys(getCookie(c)), sessionCookieName, cookieDomain)) {
    deleteCookie(c, name, { path: '/', secure, ...(domain ? { domain } : {}) })
  }
}
