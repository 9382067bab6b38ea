/**
 * POST /auth/v1/logout?scope=global|local|others (contract §6.10): 204 with no body.
 * A token without a session id always logs out globally. Access JWTs stay signed but fail the
 * session check on their next use, as in GoTrue.
 */
import { Hono } from 'hono'
import { requireUser } from '../auth-guard'
import type { AppEnv, LocalAuthContext } from '../context'
import { badRequest } from '../errors'

/** POST /logout. */
export function logoutRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>().post('/logout', requireUser(ctx), (c) => {
    const { user, session } = c.get('auth')
    // An absent or empty scope is global [auth:internal/api/logout.go:27-30].
    const scope = c.req.query('scope') || 'global'
    if (!['global', 'local', 'others'].includes(scope)) {
      throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`)
    }
    const userId = user?.id
    if (!session || scope === 'global') ctx.store.deleteSessionsWhere((s) => s.userId === userId)
    else if (scope === 'local') ctx.store.deleteSessionsWhere((s) => s.id === session.id)
    else ctx.store.deleteSessionsWhere((s) => s.userId === userId && s.id !== session.id)
    return c.body(null, 204)
  })
}
