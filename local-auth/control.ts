/**
 * Test-control API under /__local (stand-in only; real Supabase has no such paths, and they need no
 * apikey): reset, seed users, move the fake clock, inject faults, read the request log, count a user's
 * sessions, mint emailed tokens of any type, and set Supabase's limits. Errors here are plain `{message}` JSON with a 4xx,
 * since only tests call these routes.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv, LocalAuthContext } from './context'
import { resetState } from './context'
import { createFlowState, issueEmailToken } from './email-tokens'
import type { EmailType } from './mailer'
import type { FaultSpec } from './faults'
import { CLI_LIMITS, HOSTED_LIMITS, type LimitSettings } from './limits'
import { generateCodeVerifier, s256Challenge } from './otp'
import { createUser, userJson } from './users'
import { validateEmail } from './validate'

const TOKEN_TYPES: readonly EmailType[] = ['signup', 'magiclink', 'invite', 'email_change', 'recovery']

async function jsonBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text()
  if (!text.trim()) return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new HTTPException(400, { res: Response.json({ message: 'body is not valid JSON' }, { status: 400 }) })
  }
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
}

const fail = (c: Context<AppEnv>, status: 400 | 404 | 422, message: string) => c.json({ message }, status)

/** POST /__local/tokens: send a token email of any type, as GoTrue would for that flow. */
async function mintToken(ctx: LocalAuthContext, c: Context<AppEnv>) {
  const body = await jsonBody(c)
  const type = body.type as EmailType
  if (!TOKEN_TYPES.includes(type)) return fail(c, 400, `type must be one of ${TOKEN_TYPES.join(', ')}`)
  const valid = validateEmail(typeof body.email === 'string' ? body.email : '')
  if (!valid.ok) return fail(c, 400, valid.error.message)
  let user = ctx.store.findUserByEmail(valid.email)
  if (!user && (type === 'signup' || type === 'invite')) user = await createUser(ctx.store, ctx.clock, { email: valid.email })
  if (!user) return fail(c, 404, `no user with email ${valid.email}`)
  const newEmail = typeof body.new_email === 'string' ? body.new_email.toLowerCase() : `new-${user.email}`
  let codeVerifier: string | undefined
  let challenge = typeof body.code_challenge === 'string' ? body.code_challenge : undefined
  if (body.pkce === true && !challenge) {
    codeVerifier = generateCodeVerifier()
    challenge = s256Challenge(codeVerifier)
  }
  if (challenge) createFlowState(ctx, user, type, { challenge, method: typeof body.code_challenge_method === 'string' ? body.code_challenge_method : 's256' })
  const redirectTo = typeof body.redirect_to === 'string' ? body.redirect_to : ctx.config.siteUrl
  const issued = await issueEmailToken(ctx, user, type, { redirectTo, isPkce: challenge !== undefined, newEmail, uncharged: true })
  return c.json({
    token: issued.otp,
    token_hash: issued.tokenHash,
    message_id: issued.message.id,
    user_id: user.id,
    email: issued.message.to,
    ...(issued.current ? { current_token: issued.current.otp, current_token_hash: issued.current.tokenHash, current_message_id: issued.current.message.id } : {}),
    ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
  })
}

const limitFields = Object.keys(CLI_LIMITS) as (keyof LimitSettings)[]

/** Current limits and the email count of this hour. */
function limitsJson(ctx: LocalAuthContext) {
  return { ...ctx.limits.settings, emails_this_hour: ctx.limits.emailsThisHour() }
}

/** POST /__local/limits: `{preset?: 'cli' | 'hosted', ...fields}` replaces the limits and empties every bucket. */
async function setLimits(ctx: LocalAuthContext, c: Context<AppEnv>) {
  const body = await jsonBody(c)
  const presets: Record<string, LimitSettings> = { cli: CLI_LIMITS, hosted: HOSTED_LIMITS }
  if (body.preset !== undefined && !(typeof body.preset === 'string' && presets[body.preset])) {
    return fail(c, 400, "preset must be 'cli' or 'hosted'")
  }
  const next: Record<string, unknown> = { ...(typeof body.preset === 'string' ? presets[body.preset] : ctx.limits.settings) }
  for (const field of limitFields) {
    if (body[field] === undefined) continue
    if (typeof body[field] !== typeof CLI_LIMITS[field]) return fail(c, 400, `${field} must be a ${typeof CLI_LIMITS[field]}`)
    next[field] = body[field]
  }
  ctx.limits.configure(next as unknown as LimitSettings)
  return c.json(limitsJson(ctx))
}

/** The /__local test-control routes. */
export function controlRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .post('/reset', async (c) => {
      await resetState(ctx)
      return c.json({})
    })
    .post('/users', async (c) => {
      const body = await jsonBody(c)
      const valid = validateEmail(typeof body.email === 'string' ? body.email : '')
      if (!valid.ok) return fail(c, 400, valid.error.message)
      if (typeof body.password !== 'string') return fail(c, 400, 'password is required')
      if (ctx.store.findUserByEmail(valid.email)) return fail(c, 422, 'A user with this email address has already been registered')
      const user = await createUser(ctx.store, ctx.clock, {
        email: valid.email,
        password: body.password,
        emailConfirm: body.email_confirm !== false,
        userMetadata: (body.user_metadata as Record<string, unknown> | undefined) ?? {},
      })
      return c.json(userJson(user))
    })
    .post('/clock', async (c) => {
      const seconds = Number((await jsonBody(c)).advance_seconds)
      if (!Number.isFinite(seconds)) return fail(c, 400, 'advance_seconds must be a number')
      ctx.clock.advance(seconds)
      return c.json({ now: ctx.clock.nowSeconds() })
    })
    .post('/faults', async (c) => {
      const spec = (await jsonBody(c)) as unknown as FaultSpec
      if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) return fail(c, 400, 'path must be an absolute path')
      return c.json({ id: ctx.faults.add(spec).id })
    })
    .delete('/faults', (c) => {
      ctx.faults.clear()
      return c.json({})
    })
    .get('/requests', (c) => c.json({ requests: ctx.requestLog.entries }))
    .delete('/requests', (c) => {
      ctx.requestLog.clear()
      return c.json({})
    })
    .get('/users/:email/sessions', (c) => {
      const user = ctx.store.findUserByEmail(c.req.param('email'))
      return c.json({ count: user ? ctx.store.sessionsOf(user.id).length : 0 })
    })
    .post('/tokens', (c) => mintToken(ctx, c))
    .get('/limits', (c) => c.json(limitsJson(ctx)))
    .post('/limits', (c) => setLimits(ctx, c))
}
