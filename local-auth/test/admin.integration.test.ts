// The service-role admin users API through supabase-js auth.admin (contract §6.12–6.13).
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { DEFAULT_JWT_SECRET } from '../constants'
import { PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth()

describe('admin users API', () => {
  it('creates a user (200, bare user, email identity, merged app_metadata) who can sign in', async () => {
    const { data, error } = await h.admin().auth.admin.createUser({
      email: 'Admin.Made@Example.com', password: PASSWORD, email_confirm: true,
      user_metadata: { name: 'Ada' }, app_metadata: { plan: 'pro' },
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({
      email: 'admin.made@example.com', aud: 'authenticated', role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'], plan: 'pro' },
      user_metadata: { name: 'Ada', email_verified: true },
    })
    expect(data.user?.identities?.[0]).toMatchObject({ provider: 'email', identity_data: { sub: data.user?.id, email: 'admin.made@example.com' } })
    expect((await h.client().auth.signInWithPassword({ email: 'admin.made@example.com', password: PASSWORD })).error).toBeNull()
  })

  it('does not check password strength on create, but refuses duplicates and bad emails', async () => {
    const admin = h.admin().auth.admin
    expect((await admin.createUser({ email: 'a@example.com', password: '1' })).error).toBeNull()
    expect((await admin.createUser({ email: 'a@example.com', password: PASSWORD })).error).toMatchObject({
      status: 422, code: 'email_exists', message: 'A user with this email address has already been registered',
    })
    expect((await admin.createUser({ email: 'nope', password: PASSWORD })).error).toMatchObject({ status: 400, code: 'validation_failed' })
    expect((await admin.createUser({ password: PASSWORD })).error).toMatchObject({
      status: 400, message: 'Cannot create a user without either an email or phone',
    })
  })

  it('lists newest first with X-Total-Count and Link pagination', async () => {
    for (const n of [1, 2, 3]) await h.control.createUser({ email: `u${n}@example.com`, password: PASSWORD })
    const page = await h.admin().auth.admin.listUsers({ page: 1, perPage: 2 })
    expect(page.error).toBeNull()
    expect(page.data).toMatchObject({ total: 3, nextPage: 2, lastPage: 2, aud: 'authenticated' })
    expect(page.data.users.map((u) => u.email)).toEqual(['u3@example.com', 'u2@example.com'])
    const raw = await h.api('/admin/users?per_page=2&page=2', { headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` } })
    expect(raw.headers.get('x-total-count')).toBe('3')
    expect(raw.headers.get('link')).toBe('</admin/users?page=2&per_page=2>; rel="last"')
  })

  it('pagination as GoTrue parses it: strconv errors quoted, page 0 read as 1 with the headers as sent, a page size of 0 a panic [pagination.go:52-76]', async () => {
    await h.control.createUser({ email: 'one@example.com', password: PASSWORD })
    const list = (query: string) => h.api(`/admin/users?${query}`, { headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` } })
    for (const [query, value, problem] of [['per_page=abc', 'abc', 'invalid syntax'], ['page=-1', '-1', 'invalid syntax'], ['page=18446744073709551616', '18446744073709551616', 'value out of range']]) {
      const res = await list(query as string)
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ code: 'validation_failed', message: `Bad Pagination Parameters: strconv.ParseUint: parsing "${value}": ${problem}` })
    }
    const zero = await list('page=0&per_page=1')
    expect(zero.status).toBe(200)
    expect(((await zero.json()) as { users: unknown[] }).users).toHaveLength(1)
    expect(zero.headers.get('link')).toBe('</admin/users?page=1&per_page=1>; rel="next", </admin/users?page=1&per_page=1>; rel="last"')
    const noSize = await list('per_page=0')
    expect(noSize.status).toBe(500)
    expect(await noSize.json()).toEqual({ code: 'unexpected_failure', message: 'Internal Server Error' })
    const legacy = await h.api('/admin/users?per_page=0', { version: null, headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` } })
    expect(legacy.headers.get('x-sb-error-code')).toBeNull()
    expect(await legacy.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Internal Server Error' })
    // An overflow among the leading digits is reported before a later bad character.
    expect(((await (await list('page=99999999999999999999x')).json()) as { message: string }).message).toBe('Bad Pagination Parameters: strconv.ParseUint: parsing "99999999999999999999x": value out of range')
  })

  it('a password over 72 bytes panics in bcrypt: 500 "Internal Server Error", no user [crypto/password.go:389]', async () => {
    const res = await h.api('/admin/users', {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` },
      body: JSON.stringify({ email: 'long@example.com', password: 'é'.repeat(37) }),
    })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ code: 'unexpected_failure', message: 'Internal Server Error' })
    expect((await h.admin().auth.admin.listUsers()).data.users).toEqual([])
  })

  it('takes user ids in every form gofrs/uuid parses, and stores a custom id in canonical form', async () => {
    const id = '6BA7B810-9DAD-41D1-80B4-00C04FD430C8'
    const created = await h.api('/admin/users', { method: 'POST', headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` }, body: JSON.stringify({ email: 'braced@example.com', id: `{${id}}` }) })
    expect(((await created.json()) as { id: string }).id).toBe(id.toLowerCase())
    const get = await h.api(`/admin/users/urn:uuid:${id.replace(/-/g, '')}`, { headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` } })
    expect(get.status).toBe(200)
    // The same id again, in another form: the insert fails, GoTrue's 500, and the first user stays.
    const again = await h.api('/admin/users', { method: 'POST', version: null, headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` }, body: JSON.stringify({ email: 'other@example.com', id: id.toLowerCase() }) })
    expect(again.status).toBe(500)
    expect(await again.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Database error creating new user', error_id: expect.any(String) })
    expect(((await (await h.api(`/admin/users/${id}`, { headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` } })).json()) as { email: string }).email).toBe('braced@example.com')
  })

  it('DELETE reads a body only when there is one, as adminUserDeleteParams [admin.go:37-39,584-590]', async () => {
    const headers = { Authorization: `Bearer ${h.auth.serviceRoleKey}` }
    const id = (await h.control.createUser({ email: 'del@example.com', password: PASSWORD })).id
    const del = async (body: string | undefined) => {
      const res = await h.api(`/admin/users/${id}`, { method: 'DELETE', headers, ...(body === undefined ? {} : { body }) })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
    expect(await del('{"should_soft_delete":"yes"}')).toEqual({ status: 400, body: { code: 'bad_json', message: 'Could not parse request body as JSON: json: cannot unmarshal string into Go struct field adminUserDeleteParams.should_soft_delete of type bool' } })
    expect(await del(' ')).toEqual({ status: 400, body: { code: 'bad_json', message: 'Could not parse request body as JSON: unexpected end of JSON input' } })
    expect((await del(undefined)).status).toBe(200)
  })

  it('gets and deletes by id; afterwards the user is gone', async () => {
    const created = await h.control.createUser({ email: 'gone@example.com', password: PASSWORD })
    const admin = h.admin().auth.admin
    expect((await admin.getUserById(created.id)).data.user?.email).toBe('gone@example.com')
    expect((await admin.deleteUser(created.id)).error).toBeNull()
    expect((await admin.getUserById(created.id)).error).toMatchObject({ status: 404, code: 'user_not_found', message: 'User not found' })
    // supabase-js refuses a non-UUID before sending, so ask on the wire.
    const bad = await h.api('/admin/users/not-a-uuid', { headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` } })
    expect(bad.status).toBe(404)
    expect(await bad.json()).toEqual({ code: 'validation_failed', message: 'user_id must be an UUID' })
  })

  it('accepts sb_secret_ as the admin bearer and rejects anon/publishable keys as not_admin', async () => {
    expect((await h.admin(h.auth.secretKey).auth.admin.listUsers()).error).toBeNull()
    for (const key of [h.auth.anonKey, h.auth.publishableKey]) {
      expect((await h.admin(key).auth.admin.listUsers()).error).toMatchObject({ status: 403, code: 'not_admin', message: 'User not allowed' })
    }
  })

  it('requires a bearer and a valid JWT', async () => {
    const none = await h.api('/admin/users', { headers: { apikey: h.auth.serviceRoleKey } })
    expect(none.status).toBe(401)
    expect((await none.json()).code).toBe('no_authorization')
    const forged = await h.api('/admin/users', { headers: { Authorization: `Bearer ${h.auth.serviceRoleKey.slice(0, -2)}xx` } })
    expect(forged.status).toBe(403)
    expect((await forged.json()).code).toBe('bad_jwt')
  })

  it('loads the session a token names before looking at its role: a signed-out user token is session_not_found [middleware.go:187-224]', async () => {
    await h.control.createUser({ email: 'gone@example.com', password: PASSWORD })
    const client = h.client()
    const { data } = await client.auth.signInWithPassword({ email: 'gone@example.com', password: PASSWORD })
    await client.auth.signOut()
    const res = await h.api('/admin/users', { headers: { Authorization: `Bearer ${data.session!.access_token}` } })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' })
    // A token naming no session (none, or the nil UUID) is not loaded: its role decides, even for a user that is gone.
    for (const sessionId of [undefined, '00000000-0000-0000-0000-000000000000']) {
      const token = await new SignJWT({ sub: '11111111-1111-4111-8111-111111111111', role: 'authenticated', ...(sessionId ? { session_id: sessionId } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(DEFAULT_JWT_SECRET))
      const other = await h.api('/admin/users', { headers: { Authorization: `Bearer ${token}` } })
      expect(await other.json()).toEqual({ code: 'not_admin', message: 'User not allowed' })
    }
  })

  it('refuses a user session JWT (role authenticated)', async () => {
    await h.control.createUser({ email: 'plain@example.com', password: PASSWORD })
    const { data } = await h.client().auth.signInWithPassword({ email: 'plain@example.com', password: PASSWORD })
    const res = await h.api('/admin/users', { headers: { Authorization: `Bearer ${data.session!.access_token}` } })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ code: 'not_admin', message: 'User not allowed' })
  })
})
