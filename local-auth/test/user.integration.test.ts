// GET/PUT /user and POST /logout (contract §6.7, §6.9, §6.10): the authentication checks in GoTrue's
// order, the password rules, session revocation after a password change, and logout scopes.
import { AuthSessionMissingError, AuthWeakPasswordError } from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { DEFAULT_JWT_SECRET } from '../constants'
import { NEW_PASSWORD, PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth()
const EMAIL = 'user@example.com'

/** Sign the same user in on a new "device". */
async function device() {
  const browser = h.client()
  const { data, error } = await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
  expect(error).toBeNull()
  return { browser, session: data.session! }
}
const getUser = (token?: string, headers: Record<string, string> = {}) =>
  h.api('/user', { headers: token ? { Authorization: `Bearer ${token}`, ...headers } : headers })

describe('GET /user authentication', () => {
  it('returns the bare user object', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD, user_metadata: { name: 'Ada' } })
    const { session } = await device()
    const body = (await (await getUser(session.access_token)).json()) as Record<string, unknown>
    expect(body).toMatchObject({ email: EMAIL, aud: 'authenticated', role: 'authenticated', phone: '', is_anonymous: false })
    expect(body.user_metadata).toEqual({ name: 'Ada', email_verified: true })
    expect(body.identities).toEqual([expect.objectContaining({ provider: 'email', user_id: body.id, id: body.id })])
    expect(Object.keys(body)).not.toContain('recovery_sent_at')
  })

  it.each([
    ['no Authorization header', undefined, 401, 'no_authorization', 'This endpoint requires a valid Bearer token'],
    ['a garbage token', 'not.a.jwt', 403, 'bad_jwt', /^invalid JWT: unable to parse or verify signature, /],
    ['the anon key (no sub)', 'ANON', 403, 'bad_jwt', 'invalid claim: missing sub claim'],
  ])('rejects %s', async (_name, token, status, code, message) => {
    const res = await getUser(token === 'ANON' ? h.auth.anonKey : token)
    expect(res.status).toBe(status)
    expect(res.headers.get('x-sb-error-code')).toBe(code)
    expect((await res.json()).message).toMatch(message)
  })

  it('refuses a token whose audience is not the request’s (X-JWT-AUD, or none in the token) [user.go:71-75]', async () => {
    const created = await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { session } = await device()
    const mismatch = await getUser(session.access_token, { 'X-JWT-AUD': 'other' })
    expect(mismatch.status).toBe(400)
    expect(await mismatch.json()).toEqual({ code: 'validation_failed', message: "Token audience doesn't match request audience" })
    expect((await getUser(session.access_token, { 'X-JWT-AUD': 'authenticated' })).status).toBe(200)
    const noAud = await new SignJWT({ sub: created.id, role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(DEFAULT_JWT_SECRET))
    expect((await getUser(noAud)).status).toBe(400)
    // An admin role's own audience is not the request's: the default is (requestAud ignores it).
    const sign = (role: string) =>
      new SignJWT({ sub: created.id, role, aud: 'other' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setExpirationTime('1h').sign(new TextEncoder().encode(DEFAULT_JWT_SECRET))
    expect((await getUser(await sign('authenticated'))).status).toBe(200)
    expect((await getUser(await sign('service_role'))).status).toBe(400)
  })

  it('reads sub and session_id in every form gofrs/uuid parses (braces, urn:uuid:, no hyphens, upper case) [auth.go:132-152]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { session } = await device()
    const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1] as string, 'base64url').toString()) as { sub: string; session_id: string }
    const token = (sub: string, sessionId: string) =>
      new SignJWT({ sub, role: 'authenticated', aud: 'authenticated', session_id: sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(DEFAULT_JWT_SECRET))
    const res = await getUser(await token(`{${claims.sub.toUpperCase()}}`, `urn:uuid:${claims.session_id.replace(/-/g, '')}`))
    expect(res.status).toBe(200)
    expect(((await res.json()) as { id: string }).id).toBe(claims.sub)
    expect((await getUser(await token(`(${claims.sub})`, claims.session_id))).status).toBe(400)
  })

  it('reads a nil-UUID session_id as no session [auth.go:147]', async () => {
    const created = await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const sign = (sessionId: string) =>
      new SignJWT({ sub: created.id, role: 'authenticated', aud: 'authenticated', session_id: sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(DEFAULT_JWT_SECRET))
    expect((await getUser(await sign('00000000-0000-0000-0000-000000000000'))).status).toBe(200)
    expect((await getUser(await sign('00000000-0000-4000-8000-000000000000'))).status).toBe(403)
  })

  it('checks the session row on every call: a signed-out session fails at once (AuthSessionMissingError)', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { session } = await device()
    const { browser: other } = await device()
    await other.auth.signOut({ scope: 'global' })
    const raw = await getUser(session.access_token)
    expect(raw.status).toBe(403)
    expect(await raw.json()).toEqual({ code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' })
    const res = await h.client().auth.getUser(session.access_token)
    expect(res.error).toBeInstanceOf(AuthSessionMissingError)
  })

  it('answers user_not_found once the user is deleted', async () => {
    const created = await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { session } = await device()
    await h.admin().auth.admin.deleteUser(created.id)
    const res = await h.client().auth.getUser(session.access_token)
    expect(res.error).toMatchObject({ status: 403, code: 'user_not_found', message: 'User from sub claim in JWT does not exist' })
  })
})

describe('PUT /user password rules', () => {
  it('rejects a short password as weak_password with reasons', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { browser } = await device()
    const res = await browser.auth.updateUser({ password: '12345' })
    expect(res.error).toBeInstanceOf(AuthWeakPasswordError)
    expect(res.error).toMatchObject({ status: 422, code: 'weak_password', message: 'Password should be at least 6 characters.', reasons: ['length'] })
  })

  it('rejects more than 72 bytes as validation_failed', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { browser } = await device()
    const res = await browser.auth.updateUser({ password: 'x'.repeat(73) })
    expect(res.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Password cannot be longer than 72 characters' })
  })

  it('rejects the current password as same_password', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { browser } = await device()
    const res = await browser.auth.updateUser({ password: PASSWORD })
    expect(res.error).toMatchObject({ status: 422, code: 'same_password', message: 'New password should be different from the old password.' })
  })

  it('rejects app_metadata from a user as not_admin', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { session } = await device()
    const res = await h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${session.access_token}` }, body: JSON.stringify({ app_metadata: { plan: 'pro' } }) })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ code: 'not_admin', message: 'Updating app_metadata requires admin privileges' })
  })

  it('sends weak_password in the legacy shape with x-sb-error-code, and in the 2024 shape without it', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { session } = await device()
    const put = (version: string | null) =>
      h.api('/user', { method: 'PUT', version, headers: { Authorization: `Bearer ${session.access_token}` }, body: JSON.stringify({ password: '1' }) })
    const legacy = await put(null)
    expect(legacy.headers.get('x-sb-error-code')).toBe('weak_password')
    expect(await legacy.json()).toEqual({ code: 422, error_code: 'weak_password', msg: 'Password should be at least 6 characters.', weak_password: { reasons: ['length'] } })
    const modern = await put('2024-01-01')
    expect(modern.headers.get('x-sb-error-code')).toBeNull()
    expect(modern.headers.get('x-supabase-api-version')).toBe('2024-01-01')
    expect(await modern.json()).toEqual({ code: 'weak_password', message: 'Password should be at least 6 characters.', weak_password: { reasons: ['length'] } })
  })
})

describe('PUT /user password change side effects', () => {
  it('keeps the caller signed in and signs every other device out', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const phone = await device()
    const laptop = await device()
    expect(await h.control.sessionCount(EMAIL)).toBe(2)
    expect((await laptop.browser.auth.updateUser({ password: NEW_PASSWORD })).error).toBeNull()
    expect(await h.control.sessionCount(EMAIL)).toBe(1)
    expect((await laptop.browser.auth.getUser()).error).toBeNull()
    expect((await h.client().auth.getUser(phone.session.access_token)).error).toBeInstanceOf(AuthSessionMissingError)
    const phoneRefresh = await h.client().auth.refreshSession({ refresh_token: phone.session.refresh_token })
    expect(phoneRefresh.error).toMatchObject({ code: 'refresh_token_not_found' })
  })

  it('burns outstanding one-time tokens and clears *_sent_at', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { token_hash } = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
    const { browser } = await device()
    const res = await browser.auth.updateUser({ password: NEW_PASSWORD })
    expect(res.data.user?.recovery_sent_at).toBeUndefined()
    expect((await h.client().auth.verifyOtp({ type: 'recovery', token_hash })).error?.code).toBe('otp_expired')
    // The resend gap is gone with recovery_sent_at.
    expect((await h.client().auth.resetPasswordForEmail(EMAIL)).error).toBeNull()
  })

  it('burns an outstanding invite link too, whose invited_at a password change leaves in place [auth:internal/models/user.go:435-456]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { token_hash } = await h.control.mintToken({ email: EMAIL, type: 'invite' })
    const { browser } = await device()
    expect((await browser.auth.updateUser({ password: NEW_PASSWORD })).error).toBeNull()
    expect((await h.client().auth.verifyOtp({ type: 'invite', token_hash })).error?.code).toBe('otp_expired')
  })

  it('treats the current address as no change: no email_exists, no email sent, the rest saved [auth:internal/api/user.go:134,251]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const { browser } = await device()
    const res = await browser.auth.updateUser({ email: EMAIL, data: { colour: 'red' } })
    expect(res.error).toBeNull()
    expect(res.data.user?.user_metadata.colour).toBe('red')
    expect(await h.control.messages()).toEqual([])
  })
})

describe('POST /logout scopes', () => {
  it.each([
    ['global', 0, false],
    ['local', 2, false],
    ['others', 1, true],
    // Empty is global too [auth:internal/api/logout.go:27-30].
    ['', 0, false],
  ] as const)('scope "%s" leaves %i sessions (caller kept: %s)', async (scope, left, callerKept) => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const me = await device()
    await device()
    await device()
    const res = await h.api(`/logout?scope=${scope}`, { method: 'POST', headers: { Authorization: `Bearer ${me.session.access_token}` } })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(await h.control.sessionCount(EMAIL)).toBe(left)
    expect((await getUser(me.session.access_token)).status).toBe(callerKept ? 200 : 403)
  })

  it('rejects an unknown scope after authenticating', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const me = await device()
    const res = await h.api('/logout?scope=everyone', { method: 'POST', headers: { Authorization: `Bearer ${me.session.access_token}` } })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'validation_failed', message: 'Unsupported logout scope "everyone"' })
    const anonymous = await h.api('/logout?scope=everyone', { method: 'POST' })
    expect(anonymous.status).toBe(401)
  })

  it('supabase-js signOut() clears the session both sides', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const me = await device()
    expect((await me.browser.auth.signOut()).error).toBeNull()
    expect((await me.browser.auth.getSession()).data.session).toBeNull()
    expect(await h.control.sessionCount(EMAIL)).toBe(0)
  })
})
