/**
 * `GET`/`PATCH /v1/projects/{ref}/config/auth`: the Management API subset (management.ts), served
 * beside /auth/v1 on the stand-in's own origin, so SUPABASE_MANAGEMENT_API_URL can point at it.
 * A personal access token as `Authorization: Bearer` (401 otherwise), the stand-in's ref (404 otherwise),
 * a JSON body validated field by field (400 naming each field; nothing is applied unless all pass).
 * Bodies are `{ message }` as Supabase's API answers; the exact texts are ours.
 */
import { Hono } from 'hono'
import type { AppEnv, LocalAuthContext } from '../context'
import { applyAuthConfig, LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF, readAuthConfig, validatePatch } from '../management'

/** The Management API routes, mounted at `/v1`. */
export function managementRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .use('/projects/:ref/*', async function managementGuard(c, next) {
      if (c.req.header('Authorization') !== `Bearer ${LOCAL_ACCESS_TOKEN}`) return c.json({ message: 'Unauthorized' }, 401)
      if (c.req.param('ref') !== LOCAL_PROJECT_REF) return c.json({ message: 'Project not found' }, 404)
      await next()
    })
    .get('/projects/:ref/config/auth', async (c) => c.json(await readAuthConfig(ctx)))
    .patch('/projects/:ref/config/auth', async (c) => {
      let body: unknown
      try {
        body = await c.req.json()
      } catch {
        return c.json({ message: 'Body is not valid JSON' }, 400)
      }
      const problems = validatePatch(body)
      if (problems.length) return c.json({ message: problems }, 400)
      applyAuthConfig(ctx, body as Record<string, unknown>)
      return c.json(await readAuthConfig(ctx))
    })
}
