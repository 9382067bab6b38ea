// The gateway and robustness layer: Kong's apikey rule, both error shapes, bad input, faults, the
// request log, latency, and the meta endpoints (contract §1, §2, §5.7, §6.14).
import { AuthRetryableFetchError } from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { DEFAULT_JWT_SECRET } from '../constants'
import { startLocalAuth } from '../index'
import { PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth()
const EMAIL = 'gateway@example.com'

describe('apikey (Kong key-auth)', () => {
  it.each([
    ['missing', {}, 'No API key found in request'],
    ['wrong', { apikey: 'nope' }, 'Invalid authentication credentials'],
  ])('%s apikey → 401 with Kong\'s body', async (_name, headers, message) => {
    const res = await fetch(`${h.auth.url}/auth/v1/recover`, { method: 'POST', headers, body: '{}' })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ message })
  })

  it.each(['anonKey', 'publishableKey', 'serviceRoleKey', 'secretKey'] as const)('accepts %s, also as ?apikey=', async (key) => {
    expect((await fetch(`${h.auth.url}/auth/v1/health`, { headers: { apikey: h.auth[key] } })).status).toBe(200)
    expect((await fetch(`${h.auth.url}/auth/v1/settings?apikey=${h.auth[key]}`)).status).toBe(200)
  })

  it.each(['/auth/v1/verify?type=recovery&token=x', '/auth/v1/.well-known/jwks.json'])('leaves %s open', async (path) => {
    expect((await fetch(`${h.auth.url}${path}`, { redirect: 'manual' })).status).not.toBe(401)
  })

  it('lets POST /verify through without a key, as Kong\'s open route does', async () => {
    const res = await fetch(`${h.auth.url}/auth/v1/verify`, { method: 'POST', body: JSON.stringify({ type: 'recovery', token_hash: 'x' }) })
    expect(res.status).toBe(403)
  })

  it('works for a supabase-js client built with the publishable key', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const res = await h.client({ key: h.auth.publishableKey }).auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    expect(res.error).toBeNull()
  })
})

describe('error shapes', () => {
  const badVerify = (version: string | null) => h.api('/verify', { method: 'POST', version, body: JSON.stringify({ type: 'recovery', token_hash: 'x' }) })

  it.each([
    ['no header', null],
    ['a version before 2024-01-01', '2023-12-31'],
    ['an unparseable version', 'yesterday'],
  ])('legacy body for %s', async (_name, version) => {
    const res = await badVerify(version)
    expect(res.headers.get('x-supabase-api-version')).toBeNull()
    expect(res.headers.get('x-sb-error-code')).toBe('otp_expired')
    expect(await res.json()).toEqual({ code: 403, error_code: 'otp_expired', msg: 'Email link is invalid or has expired' })
  })

  it.each(['2024-01-01', '2025-06-30'])('2024 body and echoed header for %s', async (version) => {
    const res = await badVerify(version)
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01')
    expect(await res.json()).toEqual({ code: 'otp_expired', message: 'Email link is invalid or has expired' })
  })

  it('a plain Go error (no HTTPError) gets the default handler’s 500: no error_id, no x-sb-error-code [errors.go:230-253]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    // An unsupported code_challenge_method fails while creating the flow state (ParseCodeChallengeMethod's fmt.Errorf).
    const body = JSON.stringify({ email: EMAIL, code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' })
    const legacy = await h.api('/recover', { method: 'POST', version: null, body })
    expect(legacy.status).toBe(500)
    expect(legacy.headers.get('x-sb-error-code')).toBeNull()
    expect(await legacy.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, please check server logs for more information' })
    const v2024 = await h.api('/recover', { method: 'POST', body })
    expect(v2024.headers.get('x-sb-error-code')).toBeNull()
    expect(await v2024.json()).toEqual({ code: 'unexpected_failure', message: 'Unexpected failure, please check server logs for more information' })
  })

  const guarded = useLocalAuth({ updatePasswordRequireCurrentPassword: true })
  it('a recovered panic is a 500 "Internal Server Error" with no x-sb-error-code and no error_id (the recoverer runs before the request gets an id) [errors.go:44-69, api.go:169-170]', async () => {
    // A valid token with no session_id: PUT /user with a password calls IsRecovery on a nil session [user.go:175].
    const user = await guarded.control.createUser({ email: EMAIL, password: PASSWORD })
    const token = await new SignJWT({ sub: user.id, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(DEFAULT_JWT_SECRET))
    const put = (version: string | null) =>
      guarded.api('/user', { method: 'PUT', version, headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ password: 'a new password 42' }) })
    const legacy = await put(null)
    expect(legacy.status).toBe(500)
    expect(legacy.headers.get('x-sb-error-code')).toBeNull()
    expect(await legacy.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Internal Server Error' })
    expect(await (await put('2024-01-01')).json()).toEqual({ code: 'unexpected_failure', message: 'Internal Server Error' })
  })

  it('an HTTPError 500 keeps its code header and error_id (leaked-password check failing closed)', async () => {
    const failing = await startLocalAuth({ passwordHibpEnabled: true, passwordHibpFailClosed: true, pwnedPasswordsUrl: 'http://127.0.0.1:1' })
    try {
      const res = await fetch(`${failing.url}/auth/v1/signup`, {
        method: 'POST',
        headers: { apikey: failing.anonKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      })
      expect(res.status).toBe(500)
      expect(res.headers.get('x-sb-error-code')).toBe('unexpected_failure')
      expect(await res.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Unable to perform password strength check with HaveIBeenPwned.org.', error_id: expect.any(String) })
    } finally {
      await failing.stop()
    }
  })
})

describe('bad input', () => {
  it('answers malformed JSON with 400 bad_json (supabase-js sees the code)', async () => {
    const res = await h.api('/token?grant_type=password', { method: 'POST', body: '{"email":' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'bad_json', message: 'Could not parse request body as JSON: unexpected end of JSON input' })
    const notObject = await h.api('/recover', { method: 'POST', body: '[1]' })
    expect((await notObject.json()).code).toBe('bad_json')
  })

  it('reads a body as encoding/json fills the route’s struct (DIVERGENCES F-18) [helpers.go:92-94]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const post = async (path: string, body: string) => {
      const res = await h.api(path, { method: 'POST', body })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
    const bad = (message: string) => ({ status: 400, body: { code: 'bad_json', message: `Could not parse request body as JSON: json: ${message}` } })
    // A value of the wrong kind names the struct, the field's JSON name and its Go type.
    expect(await post('/recover', '{"email":123}')).toEqual(bad('cannot unmarshal number into Go struct field RecoverParams.email of type string'))
    expect(await post('/otp', `{"email":"${EMAIL}","create_user":"no"}`)).toEqual(bad('cannot unmarshal string into Go struct field OtpParams.create_user of type bool'))
    expect(await post('/signup', `{"email":"x@example.com","password":"${PASSWORD}","data":[1]}`)).toEqual(bad('cannot unmarshal array into Go struct field SignupParams.data of type map[string]interface {}'))
    // The first wrong value is the one reported, though later fields are still read.
    expect(await post('/token?grant_type=password', '{"email":true,"password":{}}')).toEqual(bad('cannot unmarshal bool into Go struct field PasswordGrantParams.email of type string'))
    // Not an object at all: the struct's type name.
    expect(await post('/recover', '[1]')).toEqual(bad('cannot unmarshal array into Go value of type api.RecoverParams'))
    expect(await post('/verify', '"x"')).toEqual(bad('cannot unmarshal string into Go value of type api.VerifyParams'))
    // Keys match their field case-insensitively; null leaves a plain field as it is.
    const signIn = await post('/token?grant_type=password', `{"EMAIL":"${EMAIL}","Password":"${PASSWORD}"}`)
    expect(signIn.status).toBe(200)
    expect(await post('/token?grant_type=password', `{"email":"${EMAIL}","Email":null,"password":"${PASSWORD}"}`)).toMatchObject({ status: 200 })
    expect(await post('/recover', '{"email":null}')).toMatchObject({ status: 400, body: { code: 'validation_failed', message: 'Password recovery requires an email' } })
  })

  it('answers a body over 1 MiB with 413 request_entity_too_large', async () => {
    const res = await h.api('/recover', { method: 'POST', body: JSON.stringify({ email: 'a@b.c', pad: 'x'.repeat(1024 * 1024) }) })
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ code: 'request_entity_too_large', message: 'Request body too large (max 1048576 bytes)' })
  })

  it('answers unknown routes with a JSON 404', async () => {
    const auth = await h.api('/does-not-exist')
    expect(auth.status).toBe(404)
    expect(await auth.json()).toEqual({ code: 'not_found', message: '404 page not found' })
    const other = await fetch(`${h.auth.url}/rest/v1/things`)
    expect(other.status).toBe(404)
    expect(await other.json()).toEqual({ message: 'no Route matched with those values' })
  })

  it('keeps serving after junk', async () => {
    const junk: [string, RequestInit][] = [
      ['/auth/v1/token?grant_type=refresh_token', { method: 'POST', body: '\u0000\u0001' }],
      ['/auth/v1/user', { method: 'PUT', body: 'null', headers: { Authorization: 'Bearer a.b.c' } }],
      ['/auth/v1/admin/users/%E0%A4%A', { headers: { Authorization: `Bearer ${h.auth.serviceRoleKey}` } }],
      ['/__local/faults', { method: 'POST', body: '{' }],
      ['/api/v1/message/none', {}],
    ]
    for (const [path, init] of junk) {
      const res = await fetch(`${h.auth.url}${path}`, { ...init, headers: { apikey: h.auth.anonKey, ...init.headers } })
      expect(res.status).toBeLessThan(500)
    }
    expect((await h.api('/health')).status).toBe(200)
  })
})

describe('fault injection', () => {
  it('replaces the next N responses with a status, then recovers', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.control.injectFault({ path: '/auth/v1/recover', status: 503, times: 2 })
    const first = await h.client().auth.resetPasswordForEmail(EMAIL)
    expect(first.error).toBeInstanceOf(AuthRetryableFetchError)
    expect(first.error?.status).toBe(503)
    expect((await h.client().auth.resetPasswordForEmail(EMAIL)).error?.status).toBe(503)
    expect((await h.client().auth.resetPasswordForEmail(EMAIL)).error).toBeNull()
    expect(await h.control.messages()).toHaveLength(1)
  })

  it('sends a custom body, or a malformed one', async () => {
    await h.control.injectFault({ path: '/auth/v1/token', method: 'POST', status: 400, body: { code: 'captcha_failed', message: 'nope' } })
    const custom = await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    expect(custom.error).toMatchObject({ status: 400, message: 'nope' })
    // A body without a status stands for a 200 carrying that body.
    await h.control.injectFault({ path: '/auth/v1/token', body: 'malformed' })
    const raw = await h.api('/token?grant_type=password', { method: 'POST', body: '{}' })
    expect(raw.status).toBe(200)
    expect(raw.headers.get('content-type')).toBe('application/json')
    expect(await raw.text()).toBe('{"broken')
  })

  it('delays the real handler when only delay_ms is given', async () => {
    await h.control.injectFault({ path: '/auth/v1/health', delay_ms: 150 })
    const started = performance.now()
    const res = await h.api('/health')
    expect(res.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('drops the connection, and only for the matching method', async () => {
    await h.control.injectFault({ path: '/auth/v1/settings', method: 'GET', drop: true })
    await expect(h.api('/settings')).rejects.toThrow()
    expect((await h.api('/settings')).status).toBe(200)
  })

  it('is cleared by DELETE /__local/faults and by reset', async () => {
    await h.control.injectFault({ path: '/auth/v1/health', status: 500, times: 5 })
    await h.control.clearFaults()
    expect((await h.api('/health')).status).toBe(200)
  })
})

describe('request log', () => {
  it('records method, path, query and time of /auth/v1 requests only, and can be cleared', async () => {
    await h.client().auth.resetPasswordForEmail('none@example.com', { redirectTo: 'http://127.0.0.1:8787/x' })
    await h.control.messages()
    const log = await h.control.requests()
    expect(log).toEqual([
      {
        method: 'POST',
        path: '/auth/v1/recover',
        query: { redirect_to: 'http://127.0.0.1:8787/x' },
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        // supabase-js sends the key as apikey and as bearer; the log keeps their kinds, never the values.
        apikey: 'anon',
        bearer: 'anon',
        sb_forwarded_for: null,
        status: 200,
      },
    ])
    await h.control.clearRequests()
    expect(await h.control.requests()).toEqual([])
  })

  it('stamps requests with the fake clock', async () => {
    const { now } = await h.control.advanceClock(86400)
    await h.api('/health')
    const [entry] = await h.control.requests()
    expect(Math.abs(Date.parse(entry!.time) / 1000 - now)).toBeLessThan(5)
  })
})

describe('meta endpoints and options', () => {
  it('serves health, settings and a cacheable JWKS', async () => {
    expect(await (await h.api('/health')).json()).toMatchObject({ name: 'GoTrue' })
    expect(await (await h.api('/settings')).json()).toMatchObject({ external: { email: true, phone: false }, disable_signup: false, mailer_autoconfirm: false })
    const jwks = await fetch(`${h.auth.url}/auth/v1/.well-known/jwks.json`)
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=600')
    expect(((await jwks.json()) as { keys: object[] }).keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: expect.any(String) })
  })

  it('answers CORS preflights without an apikey', async () => {
    const res = await fetch(`${h.auth.url}/auth/v1/token`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:8787', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'apikey,content-type' },
    })
    expect(res.status).toBeLessThan(300)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8787')
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('apikey')
  })

  it('starts fast and adds latencyMs to each /auth/v1 response', async () => {
    const started = performance.now()
    const slow = await startLocalAuth({ latencyMs: 60 })
    try {
      expect(performance.now() - started).toBeLessThan(500)
      const t0 = performance.now()
      await fetch(`${slow.url}/auth/v1/health`, { headers: { apikey: slow.anonKey } })
      expect(performance.now() - t0).toBeGreaterThanOrEqual(55)
    } finally {
      await slow.stop()
    }
  })
})
