/**
 * CSRF defence for every POST, with no JavaScript needed: Hono's `csrf()` (Origin / Sec-Fetch-Site
 * must be this origin) and a double-submit token: a random value in a `__Host-` cookie (plain name
 * over http in local development) that each form echoes in a hidden field.
 * Also bounds and parses the form body once, so handlers read `c.get('form')` (strings only).
 * Trade-off: requests with neither Origin nor Sec-Fetch-Site are refused; every current browser sends one.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { getCookie, setCookie } from 'hono/cookie'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from '../app-env'
import { CSRF_COOKIE_PLAIN, CSRF_COOKIE_SECURE, CSRF_FIELD, FORGOT_PASSWORD_PATH, MAX_FORM_BYTES } from '../constants'
import { fill } from '../i18n/catalogue'
import { randomToken, timingSafeEqualStrings } from '../lib/crypto'
import { isSecureRequest } from '../lib/secure-request'
import { Actions, Notice } from '../views/components'
import { renderPage, translatorOf } from '../views/render'

const tokenRe = /^[A-Za-z0-9_-]{43}$/
const formContentTypeRe = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i

/** Issues (or reuses) the CSRF token and, on POST, checks origin, body and token. */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  const originCheck = csrf()
  const limit = bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: (c) => refuse(c as Context<AppEnv>, 413, 'form_too_large', 'tooLarge'),
  })
  return async function csrfProtection_(c, next) {
    const secure = isSecureRequest(c)
    const cookieName = secure ? CSRF_COOKIE_SECURE : CSRF_COOKIE_PLAIN
    const existing = getCookie(c, cookieName)
    const token = existing && tokenRe.test(existing) ? existing : randomToken()
    if (token !== existing) {
      setCookie(c, cookieName, token, { path: '/', httpOnly: true, secure, sameSite: 'Lax' })
    }
    c.set('csrfToken', token)
    // Only POST changes anything; other methods fall through to GET handlers or the 405 page.
    if (c.req.method !== 'POST') return next()

    if (!formContentTypeRe.test(c.req.header('content-type') ?? '')) {
      return refuse(c, 415, 'bad_content_type', 'contentType')
    }
    try {
      await originCheck(c, async () => {})
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) return refuseForgery(c)
      throw error
    }
    let refusal: Response | undefined
    const limited = await limit(c, async () => {
      const form = await readForm(c)
      const sent = form?.[CSRF_FIELD]
      if (!form) {
        refusal = await refuse(c, 400, 'bad_form', 'unreadable')
      } else if (token !== existing || !sent || !timingSafeEqualStrings(sent, token)) {
        // Only a cookie of the shape we issue counts: a malformed one was replaced above, never matched.
        refusal = await refuseForgery(c)
      } else {
        c.set('form', form)
        await next()
      }
    })
    return refusal ?? limited
  }
}

async function readForm(c: Context<AppEnv>): Promise<Record<string, string> | undefined> {
  let body: Record<string, unknown>
  try {
    body = await c.req.parseBody()
  } catch {
    return undefined
  }
  const form: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') return undefined // files and arrays are never part of our forms
    form[key] = value
  }
  return form
}

function refuseForgery(c: Context<AppEnv>) {
  return refuse(c, 403, 'csrf_rejected', 'forgery')
}

/** The refusals' words in the catalogue: `<kind>Title` and `<kind>`. */
type Refusal = 'tooLarge' | 'contentType' | 'unreadable' | 'forgery'

function refuse(c: Context<AppEnv>, status: number, reason: string, kind: Refusal) {
  c.set('reason', reason)
  const { m } = translatorOf(c)
  const words = m.refused
  const title = words[`${kind}Title`]
  const confirming = c.req.path === '/auth/confirm'
  // A refused confirm button (a stale token): reloading re-sends it and a new link would cancel this
  // one, but the emailed link still works, and opening it again shows a fresh button.
  const staleConfirm = confirming && kind === 'forgery'
  const message = staleConfirm ? fill(m.errors.notFound, { link: <a href={FORGOT_PASSWORD_PATH}>{m.errors.askNew}</a> }) : words[kind]
  // Back to the page whose form was refused (it renders a fresh form); confirm forms need their link.
  const back = confirming ? FORGOT_PASSWORD_PATH : c.req.path
  return renderPage(
    c,
    status,
    title,
    <>
      <h1>{title}</h1>
      <Notice kind="error">{message}</Notice>
      {staleConfirm ? null : <Actions actions={[{ href: back, label: back === c.req.path ? words.reload : words.startAgain }]} />}
    </>,
  )
}
