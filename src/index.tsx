/**
 * Wiring only: middleware in order, routes, not-found and error handlers. Behaviour lives in
 * middleware/ and routes/, decisions in lib/, markup in views/.
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from './app-env'
import { FORGOT_PASSWORD_PATH, SIGN_OUT_PATH, SIGNED_IN_PATH } from './constants'
import { loadConfigMiddleware } from './middleware/load-config'
import { csrfProtection } from './middleware/csrf'
import { requestLog } from './middleware/request-log'
import { securityHeaders } from './middleware/security-headers'
import { supabaseClient } from './middleware/supabase'
import { signedInRoutes, signOutRoutes } from './routes/account'
import { confirmRoutes } from './routes/confirm'
import { forgotPasswordRoutes } from './routes/forgot-password'
import { pageRoutes } from './routes/pages'
import { updatePasswordRoutes } from './routes/update-password'
import { verifyCodeRoutes } from './routes/verify-code'
import { renderPage } from './views/render'

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
    return renderPage(c, 405, 'Not allowed', <h1>That is not something this page can do</h1>)
  })
}

app.notFound((c) =>
  renderPage(
    c,
    404,
    'Page not found',
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. If you followed a link from an email, open it again from the email, or{' '}
        <a href={FORGOT_PASSWORD_PATH}>ask for a new one</a>.
      </p>
    </>,
  ),
)

app.onError((error, c) => {
  // The message may quote input (a URL, a header); log only the error's name.
  console.error(JSON.stringify({ msg: 'unhandled_error', id: c.get('requestId'), error: error.name }))
  c.set('reason', 'unhandled_error')
  return renderPage(
    c,
    500,
    'Something went wrong',
    <>
      <h1>Something went wrong</h1>
      <p>Nothing was changed. Please try again in a moment.</p>
    </>,
  )
})

export default app
