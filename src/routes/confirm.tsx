/**
 * /auth/confirm: where emailed links land. GET (and HEAD) never spend a token in the default
 * `interstitial` mode; POST verifies it with `verifyOtp`. `?code=` links (from `{{ .ConfirmationURL }}`
 * templates) are exchanged on GET (not HEAD): they are useless without the code-verifier cookie, so a
 * scanner cannot spend them. In `direct` mode only recovery and invite links verify on GET: the page they
 * lead to names the account, so a link planted by someone else cannot sign a visitor in unnoticed.
 * The button's POST, a `?code=` exchange and a direct-mode GET count against the per-IP confirm limit
 * (reloading a `?code=` link this browser already exchanged does not); the interstitial GET spends
 * nothing and counts for nothing.
 * Success continues through after-confirm.ts. A failure that leaves the link usable (a limit, trouble
 * upstream) shows the button again with what happened and the wait, so trying again is one press;
 * every other failure 303s to /auth/auth-code-error.
 */
import { Hono } from 'hono/tiny'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import { continueAfterConfirm } from '../after-confirm'
import type { EmailOtpType } from '../config'
import { checkConfirmedLink, rememberConfirmedLink } from '../confirmed-link'
import { ERROR_PATH } from '../constants'
import { defaultNextFor, parseConfirmRequest, type ConfirmRequest } from '../lib/confirm-request'
import { carriedNext } from '../lib/next-url'
import { clientIp, isOverLimit } from '../lib/rate-limit'
import { classifyAuthError, isRetryable, type Reason } from '../lib/reasons'
import { checkedTarget, nextTarget, seeOther } from '../redirects'
import { heldAccount } from '../session'
import { ConfirmPage, confirmPageHtml, confirmTitle, EmailChangeHalfPage } from '../views/confirm-page'
import { copyFor, titledMessage } from '../views/reason-copy'
import { failWith, renderPage, renderPageHtml, translatorOf } from '../views/render'

export const confirmRoutes = new Hono<AppEnv>()

type TokenRequest = Extract<ConfirmRequest, { kind: 'token' }>

/** Link types whose next page (the new-password form) names the account. */
const namesTheAccount = (type: EmailOtpType) => type === 'recovery' || type === 'invite'

confirmRoutes.get('/', async (c) => {
  const request = parseConfirmRequest(c.req.query())
  if (request.kind === 'failed') return redirectToError(c, request.reason)
  // A {{ .ConfirmationURL }} email-change link, the first of two: Supabase has confirmed it already.
  if (request.kind === 'emailChangeHalf') {
    return emailChangeHalf(c, nextTarget(c, request.next, defaultNextFor('email_change', c.get('config').siteUrl)), 'email_change_half_redirect')
  }
  if (request.kind === 'code') {
    // A HEAD (a link checker's, never a browser's navigation) spends nothing, as it spends no token hash.
    if (c.req.method === 'HEAD') return c.body(null, 200)
    return exchangeCode(c, request.code, request.next)
  }

  const next = nextTarget(c, request.next, defaultNextFor(request.type, c.get('config').siteUrl))
  const seen = await checkConfirmedLink(c, request.tokenHash)
  if (seen.kind === 'continue') return continueSameBrowser(c, namesTheAccount(request.type), next)
  if (seen.kind === 'upstream') return confirmAgain(c, request, seen.reason)
  if (c.get('config').confirmMode === 'direct' && c.req.method === 'GET' && namesTheAccount(request.type)) {
    // Verifying on GET is confirming: the same per-IP limit as the button's POST.
    if (await overConfirmLimit(c)) return confirmAgain(c, request, 'rate_limited')
    return verifyTokenHash(c, request, next)
  }
  const t = translatorOf(c)
  const body = confirmPageHtml({ t, type: request.type, tokenHash: request.tokenHash, next: carriedNext(request.next), csrfToken: c.get('csrfToken') })
  return renderPageHtml(c, 200, confirmTitle(request.type, t), body)
})

confirmRoutes.post('/', async (c) => {
  const { token_hash, type, next: rawNext } = c.get('form')
  const request = parseConfirmRequest({ token_hash, type, next: rawNext })
  if (await overConfirmLimit(c)) return request.kind === 'token' ? confirmAgain(c, request, 'rate_limited') : redirectToError(c, 'rate_limited')
  if (request.kind !== 'token') return redirectToError(c, request.kind === 'failed' ? request.reason : 'link_invalid')
  const next = nextTarget(c, request.next, defaultNextFor(request.type, c.get('config').siteUrl))
  const seen = await checkConfirmedLink(c, request.tokenHash)
  if (seen.kind === 'continue') return continueSameBrowser(c, namesTheAccount(request.type), next)
  if (seen.kind === 'upstream') return confirmAgain(c, request, seen.reason)
  return verifyTokenHash(c, request, next)
})

async function verifyTokenHash(c: Context<AppEnv>, request: TokenRequest, next: string) {
  const { tokenHash, type } = request
  const held = heldAccount(c)
  const { data, error } = await c.get('supabase')({ session: 'ignore' }).auth.verifyOtp({ type, token_hash: tokenHash })
  if (error) {
    const reason = classifyAuthError(error, c.get('upstream'))
    return isRetryable(reason) ? confirmAgain(c, request, reason) : redirectToError(c, reason, type)
  }
  if (!data.session) {
    // The first of a secure email change's two links: accepted, nobody signed in until the other one is
    // opened too (supabase/auth internal/api/verify.go:260-264, 294-298: 200 {"msg", "code"}, no session).
    if (type === 'email_change') return emailChangeHalf(c, next, 'confirmed_email_change_half')
    // Otherwise Supabase answers a verified link with a session; a 200 without one is no sign-in (a
    // proxy's page, a broken answer), not a success to remember or report, and Supabase may have spent
    // the link: could not tell.
    return confirmAgain(c, request, 'upstream_timeout')
  }
  if (type === 'recovery' || type === 'invite' || type === 'magiclink') await rememberConfirmedLink(c, tokenHash)
  c.set('reason', `confirmed_${type}`)
  return continueAfterConfirm(c, { needsPasswordForm: namesTheAccount(type), next, held, userId: data.user?.id })
}

async function exchangeCode(c: Context<AppEnv>, code: string, rawNext: string | undefined) {
  // Reloading the page after the exchange: the verifier is gone, but this browser holds the session.
  const seen = await checkConfirmedLink(c, code)
  if (seen.kind === 'continue') {
    return continueSameBrowser(c, true, nextTarget(c, rawNext, defaultNextFor('code-recovery', c.get('config').siteUrl)))
  }
  if (seen.kind === 'upstream') return redirectToError(c, seen.reason)
  if (await overConfirmLimit(c)) return redirectToError(c, 'rate_limited')
  const held = heldAccount(c)
  const { data, error } = await c.get('supabase')({ session: 'ignore' }).auth.exchangeCodeForSession(code)
  if (error) return redirectToError(c, classifyAuthError(error, c.get('upstream')))
  // supabase-js sets redirectType to 'recovery' when the verifier carried the recovery marker.
  const kind = (data as { redirectType?: string | null }).redirectType === 'recovery' ? 'code-recovery' : 'code-other'
  if (kind === 'code-recovery') await rememberConfirmedLink(c, code)
  const next = nextTarget(c, rawNext, defaultNextFor(kind, c.get('config').siteUrl))
  // After nextTarget, which notes a refused next: the outcome wins. Fixed codes use `_` only (events.ts).
  c.set('reason', kind === 'code-recovery' ? 'confirmed_code_recovery' : 'confirmed_code_other')
  return continueAfterConfirm(c, { needsPasswordForm: kind === 'code-recovery', next, held, userId: data.user?.id })
}

/**
 * One of two email-change links confirmed: say the other is needed, then on to where the link leads.
 * `reason` tells the log apart: Supabase answered this Worker (`confirmed_…`), or a redirect said so,
 * which anyone can also type (`…_redirect`; nothing is spent or set either way).
 */
function emailChangeHalf(c: Context<AppEnv>, next: string, reason: 'confirmed_email_change_half' | 'email_change_half_redirect') {
  c.set('reason', reason)
  const t = translatorOf(c)
  return renderPage(c, 200, t.m.confirm.emailChangeHalf.title, <EmailChangeHalfPage t={t} continueTo={checkedTarget(c, next)} />)
}

/** A second click on a link this browser already confirmed: the same account, so no switch to show. */
function continueSameBrowser(c: Context<AppEnv>, needsPasswordForm: boolean, next: string) {
  c.set('reason', 'already_confirmed')
  return continueAfterConfirm(c, { needsPasswordForm, next, held: undefined, userId: undefined })
}

/** Charges this client's IP one confirmation; true when it is over the limit. */
function overConfirmLimit(c: Context<AppEnv>): Promise<boolean> {
  return isOverLimit(c, 'CONFIRM_IP_LIMITER', clientIp(c))
}

/**
 * The button again, with what went wrong and how long to wait, for a failure that spent nothing
 * (a limit, or Supabase unreachable or slow): served with the failure's status (429 with
 * Retry-After, 502, 504), so trying again is one press instead of going back to the email. The
 * token goes back only where it came from, a hidden field of a same-origin form, never into a URL.
 */
function confirmAgain(c: Context<AppEnv>, request: TokenRequest, reason: Reason) {
  const status = failWith(c, reason)
  const t = translatorOf(c)
  const page = (
    <ConfirmPage
      t={t}
      type={request.type}
      tokenHash={request.tokenHash}
      next={carriedNext(request.next)}
      csrfToken={c.get('csrfToken')}
      notice={titledMessage(reason, t)}
    />
  )
  return renderPage(c, status, copyFor(reason, t).title, page)
}

/** The error page; for a link of `type` that was no reset (sign-up, magic link, email change), with the site as the way forward. */
function redirectToError(c: Context<AppEnv>, reason: Reason, type?: EmailOtpType) {
  c.set('reason', reason)
  return seeOther(c, `${ERROR_PATH}?reason=${reason}${type && !namesTheAccount(type) ? '&for=site' : ''}`)
}
