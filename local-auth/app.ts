/**
 * Wires the stand-in together: CORS, the gateway layer (request log, faults, latency, apikey) in front of
 * the /auth/v1 routes, the control API, the Mailpit API and the inbox, and one error handler.
 * Unknown /auth/v1 routes get a JSON 404 in GoTrue's error shape (real GoTrue answers plain text there);
 * other unknown paths get Kong's `{"message":"no Route matched with those values"}`.
 */
import { randomUUID } from 'node:crypto'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv, LocalAuthContext } from './context'
import { controlRoutes } from './control'
import { AuthError, plainError, renderAuthError, renderGatewayError } from './errors'
import { apiKeyGate, faultInjector, latency, requestLogger } from './gateway'
import { inboxRoutes, mailpitRoutes } from './inbox'
import { adminRoutes } from './routes/admin'
import { logoutRoutes } from './routes/logout'
import { managementRoutes } from './routes/management'
import { metaRoutes } from './routes/meta'
import { recoverRoutes } from './routes/recover'
import { resendRoutes } from './routes/resend'
import { tokenRoutes } from './routes/token'
import { userRoutes } from './routes/user'
import { verifyGetRoutes } from './routes/verify-get'
import { verifyPostRoutes } from './routes/verify-post'
import { signupRoutes } from './routes/signup'

/** The /auth/v1 sub-application, as GoTrue mounts it behind Kong. */
function authApp(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .use(requestLogger(ctx), faultInjector(ctx), latency(ctx), apiKeyGate(ctx))
    .route('/', metaRoutes(ctx))
    .route('/', recoverRoutes(ctx))
    .route('/', signupRoutes(ctx))
    .route('/', resendRoutes(ctx))
    .route('/', verifyGetRoutes(ctx))
    .route('/', verifyPostRoutes(ctx))
    .route('/', tokenRoutes(ctx))
    .route('/', userRoutes(ctx))
    .route('/', logoutRoutes(ctx))
    .route('/', adminRoutes(ctx))
}

/** Build the whole Hono app for one stand-in instance. */
export function createApp(ctx: LocalAuthContext) {
  const app = new Hono<AppEnv>()
  app.use(async function requestId(c, next) {
    c.set('requestId', randomUUID())
    await next()
  })
  app.use(
    cors({
      origin: (origin) => origin || '*',
      credentials: true,
      allowHeaders: ['Accept', 'Authorization', 'Content-Type', 'apikey', 'X-Client-Info', 'X-Client-IP', 'X-JWT-AUD', 'X-Supabase-Api-Version', 'x-use-cookie'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposeHeaders: ['X-Total-Count', 'Link', 'X-Supabase-Api-Version', 'x-sb-error-code'],
    }),
  )
  app.route('/__local', controlRoutes(ctx))
  app.use('/api/*', faultInjector(ctx))
  app.route('/api/v1', mailpitRoutes(ctx))
  app.route('/inbox', inboxRoutes(ctx))
  app.route('/auth/v1', authApp(ctx))
  app.route('/v1', managementRoutes(ctx))
  app.notFound((c) => {
    if (!new URL(c.req.url).pathname.startsWith('/auth/v1')) return renderGatewayError(404, 'no Route matched with those values')
    return renderAuthError(new AuthError(404, 'not_found', '404 page not found'), c.req.header('X-Supabase-Api-Version'), c.get('requestId'))
  })
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse()
    const apiVersion = c.req.header('X-Supabase-Api-Version')
    if (err instanceof AuthError) return renderAuthError(err, apiVersion, c.get('requestId'))
    ctx.config.log(`unexpected error on ${c.req.method} ${c.req.path}: ${err instanceof Error ? err.stack : String(err)}`)
    return renderAuthError(plainError(), apiVersion, c.get('requestId'))
  })
  return app
}
