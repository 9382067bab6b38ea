/**
 * GoTrue's `requireAuthentication` and `requireAdminCredentials` as Hono middleware: bearer → verified
 * JWT → user → session row (checked on every call, so a revoked session fails at once even with a live
 * JWT). Admin calls need role service_role. The gateway's key translation (sb_publishable_/sb_secret_ as
 * bearer → anon/service_role JWT) happens here too, as Kong does before GoTrue sees the request.
 */
import type { MiddlewareHandler } from 'hono'
import { ADMIN_ROLES } from './constants'
import type { AppEnv, AuthState, LocalAuthContext } from './context'
import { AuthError, badRequest, forbidden } from './errors'
import { PUBLISHABLE_KEY, SECRET_KEY } from './constants'
import type { SessionRow, UserRow } from './store'
import { type AccessClaims, verifyBearer } from './tokens'
import { isBanned } from './users'
import { parseGoUuid } from './validate'

const bearerRe = /^(?:B|b)earer (\S+$)/

/** Extract and verify the bearer; maps new-style keys to their legacy JWTs first. */
async function verifiedClaims(ctx: LocalAuthContext, header: string | undefined) {
  const raw = bearerRe.exec(header ?? '')?.[1]
  if (!raw) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
  const token = raw === PUBLISHABLE_KEY ? ctx.keys.anonKey : raw === SECRET_KEY ? ctx.keys.serviceRoleKey : raw
  const result = await verifyBearer(ctx.keys, token, ctx.clock.nowMs())
  if (!result.ok) throw forbidden('bad_jwt', result.message)
  return result.claims
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000'
/** A session_id that names a session: present and not the nil UUID [auth:internal/api/auth.go:147]. */
const namesSession = (claims: AccessClaims) => Boolean(claims.session_id) && claims.session_id !== NIL_UUID

/** GoTrue's `maybeLoadUserOrSession`: the token's user, then its session [auth:internal/api/auth.go:118-164]. */
function loadUserAndSession(ctx: LocalAuthContext, claims: AccessClaims): { user: UserRow; session: SessionRow | undefined } {
  if (!claims.sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim')
  const userId = parseGoUuid(claims.sub)
  if (!userId) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID')
  const user = ctx.store.users.get(userId)
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist')
  let session
  if (namesSession(claims)) {
    const sessionId = parseGoUuid(claims.session_id as string)
    if (!sessionId) throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID')
    session = ctx.store.sessions.get(sessionId)
    if (!session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
  }
  return { user, session }
}

/** Resolve the caller of a user-scoped endpoint (GET/PUT /user, /logout). */
export async function authenticate(ctx: LocalAuthContext, header: string | undefined): Promise<AuthState> {
  const claims = await verifiedClaims(ctx, header)
  const { user, session } = loadUserAndSession(ctx, claims)
  if (isBanned(user, ctx.clock.nowMs())) throw forbidden('user_banned', 'User is banned')
  return { claims, user, session }
}

/** Middleware: a signed-in user is required. */
export function requireUser(ctx: LocalAuthContext): MiddlewareHandler<AppEnv> {
  return async function requireUserMiddleware(c, next) {
    c.set('auth', await authenticate(ctx, c.req.header('Authorization')))
    await next()
  }
}

/** Middleware: a JWT whose role is an admin role (service_role) is required. */
export function requireAdmin(ctx: LocalAuthContext): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const claims = await verifiedClaims(ctx, c.req.header('Authorization'))
    // A token that names a session has its user and session loaded before the role is looked at; sessionless
    // admin tokens skip it. Sessions here have no timebox or inactivity limit, so none is ever expired
    // [auth:internal/api/middleware.go:187-224].
    if (namesSession(claims)) loadUserAndSession(ctx, claims)
    if (!claims.role || !ADMIN_ROLES.includes(claims.role)) throw forbidden('not_admin', 'User not allowed')
    c.set('auth', { claims })
    await next()
  }
}
