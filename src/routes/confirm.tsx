/**
 * /auth/confirm: where emailed links land. GET (and HEAD) never spend a token in the default
 * `interstitial` mode; POST verifies it with `verifyOtp` and 303s to a safe `next`. `?code=` links
 * (from `{{ .ConfirmationURL }}` templates) are exchanged on GET: they are useless without the
 * code-verifier cookie, so a scanner cannot spend them. Failures 303 to /auth/auth-code-error.
 */
import { Hono } from 'hono/tiny'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import type { EmailOtpType } from '../config'
import { continuesConfirmedLink, rememberConfirmedLink } from '../confirmed-link'
import { ERROR_PATH } from '../constants'
import { defaultNextFor, parseConfirmRequest } from '../lib/confirm-request'
import { resolveNext } from '../lib/next-url'
import { clientIp, isOverLimit } from '../lib/rate-limit'
import { classifyAuthError, type Reason } from '../lib/reasons'
import { ConfirmPage, confirmTitle } from '../views/confirm-page'
import { renderPage } from '../views/render'

export const confirmRoutes = new Hono<AppEnv>()

confirmRoutes.get('/', async (c) => {
  const request = parseConfirmRequest(c.req.query())
  if (request.kind === 'failed') return redirectToError(c, request.reason)
  if (request.kind === 'code') return exchangeCode(c, request.code, request.next)

  const next = safeNext(c, request.next, request.type)
  if (await continuesConfirmedLink(c, request.tokenHash)) {
    c.set('reason', 'already_confirmed')
    return c.redirect(next, 303)
  }
  if (c.get('config').confirmMode === 'direct' && c.req.method === 'GET') {
    return verifyTokenHash(c, request.tokenHash, request.type, next)
  }
  c.header('Referrer-Policy', 'no-referrer')
  return renderPage(
    c,
    200,
    confirmTitle(request.type),
    <ConfirmPage type={request.type} tokenHash={request.tokenHash} next={request.next} csrfToken={c.get('csrfToken')} />,
  )
})

confirmRoutes.post('/', async (c) => {
  if (await isOverLimit(c, 'CONFIRM_IP_LIMITER', clientIp(c))) return redirectToError(c, 'rate_limited')
  const { token_hash, type, next: rawNext } = c.get('form')
  const request = parseConfirmRequest({ token_hash, type, next: rawNext })
  if (request.kind !== 'token') return redirectToError(c, request.kind === 'failed' ? request.reason : 'link_invalid')
  const next = safeNext(c, request.next, request.type)
  if (await continuesConfirmedLink(c, request.tokenHash)) {
    c.set('reason', 'already_confirmed')
    return c.redirect(next, 303)
  }
  return verifyTokenHash(c, request.tokenHash, request.type, next)
})

async function verifyTokenHash(c: Context<AppEnv>, tokenHash: string, type: EmailOtpType, next: string) {
  const { error } = await c.get('supabase')().auth.verifyOtp({ type, token_hash: tokenHash })
  if (error) return redirectToError(c, classifyAuthError(error, c.get('upstream')))
  if (type === 'recovery' || type === 'invite' || type === 'magiclink') await rememberConfirmedLink(c, tokenHash)
  c.set('reason', `confirmed_${type}`)
  return c.redirect(next, 303)
}

async function exchangeCode(c: Context<AppEnv>, code: string, rawNext: string | undefined) {
  // Reloading the page after the exchange: the verifier is gone, but this browser holds the session.
  if (await continuesConfirmedLink(c, code)) {
    c.set('reason', 'already_confirmed')
    return c.redirect(resolveNext(rawNext, nextOptions(c, defaultNextFor('code-recovery', c.get('config').siteUrl))).target, 303)
  }
  const { data, error } = await c.get('supabase')().auth.exchangeCodeForSession(code)
  if (error) return redirectToError(c, classifyAuthError(error, c.get('upstream')))
  // supabase-js sets redirectType to 'recovery' when the verifier carried the recovery marker.
  const kind = (data as { redirectType?: string | null }).redirectType === 'recovery' ? 'code-recovery' : 'code-other'
  if (kind === 'code-recovery') await rememberConfirmedLink(c, code)
  c.set('reason', `confirmed_${kind}`)
  return c.redirect(resolveNext(rawNext, nextOptions(c, defaultNextFor(kind, c.get('config').siteUrl))).target, 303)
}

function safeNext(c: Context<AppEnv>, rawNext: string | undefined, type: EmailOtpType): string {
  const decision = resolveNext(rawNext, nextOptions(c, defaultNextFor(type, c.get('config').siteUrl)))
  if (decision.refused) c.set('reason', `next_refused_${decision.refused}`)
  return decision.target
}

function nextOptions(c: Context<AppEnv>, fallback: string) {
  return { selfOrigin: new URL(c.req.url).origin, allowedOrigins: c.get('config').redirectOrigins, fallback }
}

function redirectToError(c: Context<AppEnv>, reason: Reason) {
  c.set('reason', reason)
  return c.redirect(`${ERROR_PATH}?reason=${reason}`, 303)
}
