/**
 * The service-role admin users API (contract §6.12–6.13): create, list (page/per_page with GoTrue's
 * Link and X-Total-Count headers), get and delete, plus POST /invite. Gated on a JWT with role
 * service_role (the legacy key, or sb_secret_ as bearer). No `password_hash` import (no bcrypt here)
 * and soft delete behaves like hard delete.
 */
import { randomBytes } from 'node:crypto'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { requireAdmin } from '../auth-guard'
import { readJsonBody, str } from '../body'
import { ADMIN_DEFAULT_PER_PAGE, DEFAULT_AUD, MAX_PASSWORD_BYTES } from '../constants'
import type { AppEnv, LocalAuthContext } from '../context'
import { issueEmailToken } from '../email-tokens'
import { badRequest, notFound, recoveredPanic, unexpectedFailure, unprocessable } from '../errors'
import { ADMIN_USER_DELETE_PARAMS, ADMIN_USER_PARAMS, INVITE_PARAMS } from '../go-structs'
import { goEncodeValues } from '../go-url'
import type { UserRow } from '../store'
import { createUser, userJson } from '../users'
import { parseGoDurationMs, parseGoUuid, validateEmail } from '../validate'
import { requestRedirect, unwrap } from './helpers'

const objectOr = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined)

/** Validate an admin create body into createUser input. */
function parseCreate(ctx: LocalAuthContext, body: Record<string, unknown>) {
  const rawEmail = str(body, 'email')
  if (!rawEmail && !str(body, 'phone')) throw badRequest('validation_failed', 'Cannot create a user without either an email or phone')
  if (!rawEmail) throw badRequest('validation_failed', 'Phone users are not supported by local-auth')
  const { email } = unwrap(validateEmail(rawEmail))
  if (ctx.store.findUserByEmail(email)) throw unprocessable('email_exists', 'A user with this email address has already been registered')
  const password = str(body, 'password')
  if (password && str(body, 'password_hash')) throw badRequest('validation_failed', 'Only a password or a password hash should be provided')
  if (str(body, 'password_hash')) throw badRequest('validation_failed', 'password_hash is not supported by local-auth')
  // bcrypt refuses more than 72 bytes, and GoTrue hashes with must(), so it panics; the recoverer answers
  // [auth:internal/crypto/password.go:389, utils.go:3-9, internal/api/errors.go:44-69]. The ErrPasswordTooLong branch of
  // adminUserCreate is never reached (admin.go:455-456).
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw recoveredPanic()
  const rawId = str(body, 'id')
  const id = rawId ? parseGoUuid(rawId) : undefined
  if (rawId && !id) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format')
  if (id === '00000000-0000-0000-0000-000000000000') throw badRequest('validation_failed', 'ID cannot be a nil uuid')
  const ban = str(body, 'ban_duration')
  let bannedUntil: number | undefined
  if (ban && ban !== 'none') {
    const ms = parseGoDurationMs(ban)
    if (ms === undefined) throw badRequest('validation_failed', `invalid format for ban duration: time: invalid duration "${ban}"`)
    bannedUntil = ctx.clock.nowMs() + ms
  }
  return {
    email,
    password: password || randomBytes(48).toString('base64url').slice(0, 64),
    emailConfirm: body.email_confirm === true,
    userMetadata: objectOr(body.user_metadata),
    appMetadata: objectOr(body.app_metadata),
    role: str(body, 'role') || undefined,
    id: id || undefined,
    bannedUntil,
  }
}

/** Go `strconv.ParseUint(raw, 10, 64)` for a query parameter, its error as "Bad Pagination Parameters: …" (quoted as `strconv.Quote` does printable text). */
function parseUintParam(raw: string | undefined, fallback: number): number {
  if (!raw) return fallback
  // ParseUint stops at the first problem: an overflow among the leading digits comes before a bad character.
  const digits = /^[0-9]*/.exec(raw)?.[0] ?? ''
  const problem = digits && BigInt(digits) > 0xffffffffffffffffn ? 'value out of range' : digits !== raw ? 'invalid syntax' : undefined
  if (problem) throw badRequest('validation_failed', `Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(raw)}: ${problem}`)
  return Number(raw)
}

/** GoTrue's Link header: next (if any) and last, on the request path as GoTrue sees it (no /auth/v1). */
function paginationLink(c: Context<AppEnv>, page: number, perPage: number, total: number): string {
  const url = new URL(c.req.url)
  const path = url.pathname.replace(/^\/auth\/v1/, '')
  const totalPages = Math.ceil(total / perPage)
  const link = (p: number) => `<${path}?${goEncodeValues([...[...url.searchParams].filter(([k]) => k !== 'page'), ['page', String(p)]])}>`
  return `${totalPages > page ? `${link(page + 1)}; rel="next", ` : ''}${link(totalPages)}; rel="last"`
}

function loadUser(ctx: LocalAuthContext, id: string): UserRow {
  const userId = parseGoUuid(id)
  if (!userId) throw notFound('validation_failed', 'user_id must be an UUID')
  const user = ctx.store.users.get(userId)
  if (!user) throw notFound('user_not_found', 'User not found')
  return user
}

/** /admin/users (list, create, get, delete) and POST /invite, all service-role only. */
export function adminRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .use('/admin/*', requireAdmin(ctx))
    .use('/invite', requireAdmin(ctx))
    .post('/admin/users', async (c) => {
      const input = parseCreate(ctx, await readJsonBody(c, ADMIN_USER_PARAMS))
      // A custom id already taken fails the insert: GoTrue's 500 [auth:internal/api/admin.go:491-493,567-569].
      if (input.id && ctx.store.users.has(input.id)) throw unexpectedFailure('Database error creating new user')
      const user = await createUser(ctx.store, ctx.clock, input)
      return c.json(userJson(user))
    })
    .get('/admin/users', (c) => {
      // supabase-js sends empty strings when no page is asked for; GoTrue treats "" as the default
      // (paginate, strconv.ParseUint) [auth:internal/api/pagination.go:52-76, admin.go:134-137].
      const page = parseUintParam(c.req.query('page'), 1)
      const perPage = parseUintParam(c.req.query('per_page'), ADMIN_DEFAULT_PER_PAGE)
      // The listing runs through pop's paginator, which reads a page or page size below 1 as 1 and 20; the
      // headers then use the values as sent, and a page size of 0 divides by zero (a panic) [pagination.go:25-31;
      // gobuffalo/pop paginator.go NewPaginator].
      if (perPage === 0) throw recoveredPanic()
      const all = [...ctx.store.users.values()].sort((a, b) => b.createdAt - a.createdAt)
      const start = (Math.max(page, 1) - 1) * perPage
      c.header('X-Total-Count', String(all.length))
      c.header('Link', paginationLink(c, page, perPage, all.length))
      return c.json({ users: all.slice(start, start + perPage).map(userJson), aud: DEFAULT_AUD })
    })
    .get('/admin/users/:id', (c) => c.json(userJson(loadUser(ctx, c.req.param('id')))))
    .delete('/admin/users/:id', async (c) => {
      const user = loadUser(ctx, c.req.param('id'))
      // A body is read only when there is one [auth:internal/api/admin.go:584-590]; a soft delete is not modelled.
      await readJsonBody(c, ADMIN_USER_DELETE_PARAMS, { allowEmpty: true })
      ctx.store.deleteUser(user.id)
      return c.json({})
    })
    .post('/invite', async (c) => {
      const body = await readJsonBody(c, INVITE_PARAMS)
      const { email } = unwrap(validateEmail(str(body, 'email')))
      let user = ctx.store.findUserByEmail(email)
      if (user?.emailConfirmedAt !== undefined) {
        throw unprocessable('email_exists', 'A user with this email address has already been registered')
      }
      user ??= await createUser(ctx.store, ctx.clock, { email, userMetadata: objectOr(body.data) })
      await issueEmailToken(ctx, user, 'invite', { redirectTo: requestRedirect(ctx, c), isPkce: false })
      return c.json(userJson(user))
    })
}
