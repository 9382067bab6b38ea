/**
 * Wiring only: middleware in order, routes, not-found and error handlers. Behaviour lives in
 * middleware/ and routes/, decisions in lib/, markup in views/.
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from './app-env'
import { FORGOT_PASSWORD_PATH, SIGN_OUT_PATH, SIGNED_IN_PATH } from './constants'
import { loadConfigMiddleware } from './middleware/load-config'
import { csrfProtection } from './middleware/csrf'
import { httpsOnly } from './middleware/https-only'
import { localeNegotiation } from './middleware/locale'
import { requestLog } from './middleware/request-log'
import { securityHeaders } from './middleware/security-headers'
import { supabaseClient } from './middleware/supabase'
import { signedInRoutes, signOutRoutes } from './routes/account'
import { confirmRoutes } from './routes/confirm'
import { forgotPasswordRoutes } from './routes/forgot-password'
import { pageRoutes } from './routes/pages'
import { updatePasswordRoutes } from './routes/update-password'
import { verifyCodeRoutes } from './routes/verify-code'
import { fill } from './i18n/catalogue'
import { renderPage, translatorOf } from './views/render'

const FLOW_PATHS = [
  '/auth/confirm',
  '/account/forgot-password',
  '/account/update-password',
  '/account/verify-code',
  SIGNED_IN_PATH,
  SIGN_OUT_PATH,
] as const

const app = new Hono<AppEnv>()

app.use(requestLog())
app.use(securityHeaders())
app.use(httpsOnly())
app.use(localeNegotiation())
app.use(loadConfigMiddleware())
for (const path of FLOW_PATHS) app.use(path, csrfProtection(), supabaseClient())

app.route('/auth/confirm', confirmRoutes)
app.route('/account/forgot-password', forgotPasswordRoutes)
app.route('/account/update-password', updatePasswordRoutes)
app.route('/account/verify-code', verifyCodeRoutes)
app.route(SIGNED_IN_PATH, signedInRoutes)
app.route(SIGN_OUT_PATH, signOutRoutes)
app.route('/', pageRoutes)

for (const path of FLOW_PATHS) {
  app.all(path, (c) => {
    c.header('Allow', 'GET, HEAD, POST')
    c.set('reason', 'method_not_allowed')
    const { m } = translatorOf(c)
    return renderPage(c, 405, m.errors.notAllowedTitle, <h1>{m.errors.notAllowed}</h1>)
  })
}

app.notFound((c) => {
  const { m } = translatorOf(c)
  return renderPage(
    c,
    404,
    m.errors.notFoundTitle,
    <>
      <h1>{m.errors.notFoundTitle}</h1>
      <p>{fill(m.errors.notFound, { link: <a href={FORGOT_PASSWORD_PATH}>{m.errors.askNew}</a> })}</p>
    </>,
  )
})

app.onError((error, c) => {
  // The message may quote input (a URL, a header); log only the error's name.
  console.error(JSON.stringify({ msg: 'unhandled_error', id: c.get('requestId'), error: error.name }))
  c.set('reason', 'unhandled_error')
  const { m } = translatorOf(c)
  return renderPage(
    c,
    500,
    m.errors.serverTitle,
    <>
      <h1>{m.errors.serverTitle}</h1>
      <p>{m.errors.server}</p>
    </>,
  )
})

export default app
