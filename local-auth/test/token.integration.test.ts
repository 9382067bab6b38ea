// POST /token password and refresh_token grants, the access-token claims, the fake clock, and
// getClaims() verifying ES256 tokens locally through the JWKS (contract §5.5, §5.6, §6.5, §6.6, §6.11).
import { createClient } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { startLocalAuth } from '../index'
import { localAuthControl } from '../client'
import { decodeJwt, memoryStorage, PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth()
const EMAIL = 'token@example.com'

async function signedIn() {
  await h.control.createUser({ email: EMAIL, password: PASSWORD })
  const browser = h.client()
  const { data, error } = await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
  expect(error).toBeNull()
  return { browser, session: data.session! }
}
const refresh = (refresh_token: string) =>
  h.api('/token?grant_type=refresh_token', { method: 'POST', body: JSON.stringify({ refresh_token }) })

describe('password grant', () => {
  it('issues a session with GoTrue claims in GoTrue order, signed ES256 with the JWKS kid', async () => {
    const { session } = await signedIn()
    const { header, payload } = decodeJwt(session.access_token)
    const jwks = (await (await fetch(`${h.auth.url}/auth/v1/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }
    expect(header).toEqual({ alg: 'ES256', kid: jwks.keys[0]!.kid, typ: 'JWT' })
    expect(Object.keys(payload)).toEqual([
      'iss', 'sub', 'aud', 'exp', 'iat', 'email', 'phone', 'app_metadata', 'user_metadata', 'role', 'aal', 'amr', 'session_id', 'is_anonymous',
    ])
    expect(payload).toMatchObject({
      iss: `${h.auth.url}/auth/v1`, aud: 'authenticated', role: 'authenticated', aal: 'aal1', email: EMAIL, phone: '',
      is_anonymous: false, amr: [{ method: 'password' }],
      app_metadata: { provider: 'email', providers: ['email'] },
    })
    // The sign-in is recorded (amr) a moment before the token is minted (iat): the same second, or the one before.
    const amrTimestamp = (payload.amr as { timestamp: number }[])[0]?.timestamp ?? 0
    expect((payload.iat as number) - amrTimestamp).toBeGreaterThanOrEqual(0)
    expect((payload.iat as number) - amrTimestamp).toBeLessThanOrEqual(1)
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600)
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600, expires_at: payload.exp })
    expect(session.refresh_token).toMatch(/^[a-z2-7]{12}$/)
  })

  it.each([
    ['a wrong password', EMAIL, 'wrong-password', 'invalid_credentials', 'Invalid login credentials'],
    ['an unknown email', 'ghost@example.com', PASSWORD, 'invalid_credentials', 'Invalid login credentials'],
  ])('rejects %s with 400 %s', async (_name, email, password, code, message) => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const res = await h.client().auth.signInWithPassword({ email, password })
    expect(res.error).toMatchObject({ status: 400, code, message })
  })

  it('rejects a banned user before checking the password', async () => {
    await h.admin().auth.admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true, ban_duration: '2h' })
    const res = await h.client().auth.signInWithPassword({ email: EMAIL, password: 'whatever' })
    expect(res.error).toMatchObject({ status: 400, code: 'user_banned' })
  })

  it('requires an email or phone, not both', async () => {
    const none = await h.api('/token?grant_type=password', { method: 'POST', body: JSON.stringify({ password: 'x' }) })
    expect(await none.json()).toEqual({ code: 'validation_failed', message: 'missing email or phone' })
    const both = await h.api('/token?grant_type=password', { method: 'POST', body: JSON.stringify({ email: EMAIL, phone: '1', password: 'x' }) })
    expect(await both.json()).toEqual({ code: 'validation_failed', message: 'Only an email address or phone number should be provided on login.' })
  })

  it('signs in but reports weakPassword when the stored password fails the current policy', async () => {
    await h.control.createUser({ email: EMAIL, password: 'abc' })
    const res = await h.client().auth.signInWithPassword({ email: EMAIL, password: 'abc' })
    expect(res.error).toBeNull()
    expect(res.data.weakPassword).toEqual({ message: 'Password should be at least 6 characters.', reasons: ['length'] })
  })
})

describe('refresh_token grant', () => {
  it('rotates: each refresh returns a new token and keeps the original AMR', async () => {
    const { browser, session } = await signedIn()
    const refreshed = await browser.auth.refreshSession()
    expect(refreshed.error).toBeNull()
    expect(refreshed.data.session!.refresh_token).not.toBe(session.refresh_token)
    expect(decodeJwt(refreshed.data.session!.access_token).payload.amr).toEqual(decodeJwt(session.access_token).payload.amr)
  })

  it('returns the active child for its parent, but a family reuse revokes the session', async () => {
    const { session } = await signedIn()
    const first = (await (await refresh(session.refresh_token)).json()) as { refresh_token: string }
    // A concurrent tab presents the original token again: it gets the active child back.
    const replay = (await (await refresh(session.refresh_token)).json()) as { refresh_token: string }
    expect(replay.refresh_token).toBe(first.refresh_token)
    const second = (await (await refresh(first.refresh_token)).json()) as { refresh_token: string }
    // Past the CLI's 10 s reuse interval the original, now two generations old, is a detected reuse.
    await h.control.advanceClock(11)
    const reuse = await refresh(session.refresh_token)
    expect(reuse.status).toBe(400)
    expect(await reuse.json()).toEqual({ code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' })
    expect((await (await refresh(second.refresh_token)).json()).code).toBe('refresh_token_already_used')
  })

  it('lets a revoked token be reused within the reuse interval (10 s, as the CLI config) [auth:internal/tokens/service.go:387-403]', async () => {
    const { session } = await signedIn()
    const first = (await (await refresh(session.refresh_token)).json()) as { refresh_token: string }
    await refresh(first.refresh_token)
    // Two generations old but 9 s later: still inside the interval, so a fresh token, not a family revocation.
    await h.control.advanceClock(9)
    const within = await refresh(session.refresh_token)
    expect(within.status).toBe(200)
    const fresh = (await within.json()) as { refresh_token: string }
    expect(fresh.refresh_token).not.toBe(first.refresh_token)
    // 11 s after it was revoked, the first child is a detected reuse (the original is now the parent of the active token).
    await h.control.advanceClock(2)
    expect((await (await refresh(first.refresh_token)).json()).code).toBe('refresh_token_already_used')
  })

  it.each([
    ['an empty token', ''],
    ['a short token', 'abc'],
    ['uppercase', 'ABCDEFGHIJKL'],
  ])('rejects %s as validation_failed', async (_name, token) => {
    const res = await refresh(token)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'validation_failed', message: 'Refresh token is not valid' })
  })

  it('refuses to refresh the session of a banned user [auth:internal/tokens/service.go:217-219]', async () => {
    await h.admin().auth.admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true, ban_duration: '1h' })
    await h.control.advanceClock(2 * 3600) // past the ban: sign in
    const { data, error } = await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    expect(error).toBeNull()
    await h.control.advanceClock(-2 * 3600) // back inside the ban, as if an admin had banned the user since
    const res = await refresh(data.session!.refresh_token)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'user_banned', message: 'Invalid Refresh Token: User Banned' })
  })

  it('answers refresh_token_not_found after sign-out (supabase-js)', async () => {
    const { browser, session } = await signedIn()
    await browser.auth.signOut()
    const res = await h.client().auth.refreshSession({ refresh_token: session.refresh_token })
    expect(res.error).toMatchObject({ status: 400, code: 'refresh_token_not_found', message: 'Invalid Refresh Token: Refresh Token Not Found' })
  })
})

describe('fake clock and JWT expiry', () => {
  it('issues tokens at fake time and rejects them once the fake clock passes exp', async () => {
    const { session } = await signedIn()
    const { now } = await h.control.advanceClock(1000)
    const later = (await (await refresh(session.refresh_token)).json()) as { access_token: string }
    expect(decodeJwt(later.access_token).payload.iat).toBe(now)
    await h.control.advanceClock(3600)
    const res = await h.client().auth.getUser(later.access_token)
    expect(res.error).toMatchObject({ status: 403, code: 'bad_jwt' })
    expect(res.error?.message).toMatch(/^invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired$/)
  })
})

describe('getClaims()', () => {
  it('verifies ES256 tokens locally via the JWKS: no GET /user round trip', async () => {
    const { browser } = await signedIn()
    await h.control.clearRequests()
    const { data, error } = await browser.auth.getClaims()
    expect(error).toBeNull()
    expect(data?.claims.email).toBe(EMAIL)
    const paths = (await h.control.requests()).map((r) => `${r.method} ${r.path}`)
    expect(paths).not.toContain('GET /auth/v1/user')
    expect(paths.every((p) => p === 'GET /auth/v1/.well-known/jwks.json')).toBe(true)
  })

  it('falls back to GET /user for HS256 tokens (jwtAlgorithm: HS256)', async () => {
    const hs = await startLocalAuth({ jwtAlgorithm: 'HS256' })
    try {
      const control = localAuthControl(hs.url)
      await control.createUser({ email: EMAIL, password: PASSWORD })
      const browser = createClient(hs.url, hs.anonKey, { auth: { storage: memoryStorage(), autoRefreshToken: false } })
      const { data } = await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
      expect(decodeJwt(data.session!.access_token).header).toEqual({ alg: 'HS256', typ: 'JWT' })
      expect(await (await fetch(`${hs.url}/auth/v1/.well-known/jwks.json`)).json()).toEqual({ keys: [] })
      await control.clearRequests()
      expect((await browser.auth.getClaims()).error).toBeNull()
      expect((await control.requests()).map((r) => `${r.method} ${r.path}`)).toContain('GET /auth/v1/user')
    } finally {
      await hs.stop()
    }
  })
})
