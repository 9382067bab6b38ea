// Every error GET/POST /verify and the PKCE exchange can produce (contract §6.2–6.4), as the wire and
// supabase-js report them.
import { describe, expect, it } from 'vitest'
import { params, PASSWORD, REDIRECT_TO, SITE_URL, useLocalAuth } from './helpers'

const h = useLocalAuth()
const EMAIL = 'verify@example.com'

const verifyUrl = (query: Record<string, string>) => `${h.auth.url}/auth/v1/verify?${new URLSearchParams(query)}`
const click = (query: Record<string, string>) => fetch(verifyUrl(query), { redirect: 'manual' })

describe('POST /verify validation', () => {
  it.each([
    ['no type', {}, 400, 'Verify requires a verification type'],
    ['neither token nor hash', { type: 'recovery' }, 400, 'Verify requires either a token or a token hash'],
    ['both token and hash', { type: 'recovery', token: '123456', token_hash: 'abc' }, 400, 'Verify requires either a token or a token hash'],
    ['hash with an email', { type: 'recovery', token_hash: 'abc', email: EMAIL }, 400, 'Only the token_hash and type should be provided'],
    ['token without email', { type: 'recovery', token: '123456' }, 400, 'Only an email address or phone number should be provided on verify'],
    ['hash with an unknown type', { type: 'bogus', token_hash: 'abc' }, 400, 'Invalid email verification type'],
    ['token with a malformed email', { type: 'recovery', token: '123456', email: 'nope' }, 422, 'Invalid email format'],
  ])('%s (%j) → %i validation_failed', async (_name, body, status, message) => {
    const res = await h.api('/verify', { method: 'POST', body: JSON.stringify(body) })
    expect(res.status).toBe(status)
    expect(res.headers.get('x-sb-error-code')).toBe('validation_failed')
    expect(await res.json()).toEqual({ code: 'validation_failed', message })
  })

  it('reports an unknown type with email + token as otp_expired (GoTrue order)', async () => {
    const res = await h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'bogus', email: EMAIL, token: '123456' }) })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ code: 'otp_expired', message: 'Token has expired or is invalid' })
  })

  it('answers user_banned for a banned user with a valid token', async () => {
    const { data } = await h.admin().auth.admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true, ban_duration: '24h' })
    expect(data.user?.banned_until).toBeDefined()
    const { token_hash } = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
    const res = await h.client().auth.verifyOtp({ type: 'recovery', token_hash })
    expect(res.error).toMatchObject({ status: 403, code: 'user_banned', message: 'User is banned' })
  })

  it('answers user_banned before looking at expiry: a banned user with an expired token [auth:internal/api/verify.go:669-693]', async () => {
    await h.admin().auth.admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true, ban_duration: '24h' })
    const { token_hash } = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
    await h.control.advanceClock(2 * 3600)
    const res = await h.client().auth.verifyOtp({ type: 'recovery', token_hash })
    expect(res.error).toMatchObject({ status: 403, code: 'user_banned', message: 'User is banned' })
  })

  it('never matches a phone (no phone users here): 403 otp_expired, not an email format error [auth:internal/api/verify.go:68-73,715-722]', async () => {
    const res = await h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'recovery', phone: '+15555550100', token: '123456' }) })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ code: 'otp_expired', message: 'Token has expired or is invalid' })
  })

  it('burns every one-time token of the user: after the recovery link, the sign-up link no longer works [auth:internal/api/verify.go:370-394, models/user.go:524-543,659-666]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD, email_confirm: false })
    const signup = await h.control.mintToken({ email: EMAIL, type: 'signup' })
    const recovery = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
    expect((await h.client().auth.verifyOtp({ type: 'recovery', token_hash: recovery.token_hash })).error).toBeNull()
    expect((await h.client().auth.verifyOtp({ type: 'signup', token_hash: signup.token_hash })).error).toMatchObject({ status: 403, code: 'otp_expired' })
  })
})

describe('GET /verify errors', () => {
  it('answers missing parameters with JSON, not a redirect', async () => {
    const noType = await click({ token: 'abc' })
    expect(noType.status).toBe(400)
    expect(await noType.json()).toMatchObject({ error_code: 'validation_failed', msg: 'Verify requires a verification type' })
    const noToken = await click({ type: 'recovery' })
    expect(await noToken.json()).toMatchObject({ msg: 'Verify requires a token or a token hash' })
  })

  it('implicit: puts the error in the fragment and leaves the query alone', async () => {
    const target = `${REDIRECT_TO}?next=/x`
    const res = await click({ token: 'f'.repeat(56), type: 'recovery', redirect_to: target })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(
      `${target}#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=`,
    )
  })

  it('takes a non-empty redirect_to header alone: an invalid one skips the query value for the Referer [auth:internal/utilities/request.go:75-89,142-152]', async () => {
    const token = 'f'.repeat(56)
    const fromQuery = `${REDIRECT_TO}?from=query`
    const referer = `${SITE_URL}/from-referer`
    const target = async (headers: Record<string, string>) => {
      const res = await fetch(verifyUrl({ token, type: 'recovery', redirect_to: fromQuery }), { redirect: 'manual', headers })
      expect(res.status).toBe(303)
      return res.headers.get('location')!.split('#')[0]
    }
    expect(await target({ redirect_to: 'https://evil.example/cb', Referer: referer })).toBe(referer)
    expect(await target({ redirect_to: 'https://evil.example/cb' })).toBe(SITE_URL)
    // A valid header wins over the query; without the header the query value is used.
    expect(await target({ redirect_to: `${SITE_URL}/from-header`, Referer: referer })).toBe(`${SITE_URL}/from-header`)
    expect(await target({ Referer: referer })).toBe(fromQuery)
  })

  it('PKCE: mirrors the error in the query (sorted, existing parameters kept) and the fragment', async () => {
    const res = await click({ token: `pkce_${'f'.repeat(56)}`, type: 'recovery', redirect_to: `${REDIRECT_TO}?next=/x` })
    const location = new URL(res.headers.get('location')!)
    expect(location.search).toBe('?error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&next=%2Fx')
    expect(params(location.hash)).toEqual({ error: 'access_denied', error_code: 'otp_expired', error_description: 'Email link is invalid or has expired', sb: '' })
  })

  it('implicit: an unknown type redirects with invalid_request / validation_failed', async () => {
    const res = await click({ token: 'abc', type: 'bogus' })
    expect(params(new URL(res.headers.get('location')!).hash)).toMatchObject({
      error: 'invalid_request', error_code: 'validation_failed', error_description: 'Invalid email verification type',
    })
    expect(res.headers.get('location')!.startsWith(`${SITE_URL}#`)).toBe(true)
  })

  it('PKCE: an authentication method that is no verification type is an ordinary error redirect [factor.go:111-150]', async () => {
    for (const type of ['otp', 'password', 'resignup']) {
      const res = await click({ token: `pkce_${'f'.repeat(56)}`, type })
      expect(res.status).toBe(303)
      expect(params(new URL(res.headers.get('location')!).hash)).toMatchObject({ error_code: 'validation_failed', error_description: 'Invalid email verification type' })
    }
  })

  it('PKCE: a type that is no authentication method is a 500 JSON error', async () => {
    const res = await h.api('/verify?token=pkce_abc&type=email', { version: null })
    expect(res.status).toBe(500)
    // ParseAuthenticationMethod's plain error: the default handler's body, no error_id [verify.go:139-142, errors.go:230-253].
    expect(await res.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, please check server logs for more information' })
  })

  it('PKCE: flow_state_not_found leaves the token unconsumed', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    // A PKCE magic link has a magiclink flow state, not a recovery one.
    const minted = await h.control.mintToken({ email: EMAIL, type: 'magiclink', pkce: true })
    const wrong = await click({ token: minted.token_hash, type: 'recovery', redirect_to: REDIRECT_TO })
    expect(params(new URL(wrong.headers.get('location')!).search)).toMatchObject({
      error: 'invalid_request', error_code: 'flow_state_not_found',
    })
    const right = await click({ token: minted.token_hash, type: 'magiclink', redirect_to: REDIRECT_TO })
    expect(new URL(right.headers.get('location')!).searchParams.get('code')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('user_banned redirects with access_denied', async () => {
    await h.admin().auth.admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true, ban_duration: '1h' })
    const { token_hash } = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
    const res = await click({ token: token_hash, type: 'recovery' })
    expect(params(new URL(res.headers.get('location')!).hash)).toMatchObject({ error: 'access_denied', error_code: 'user_banned' })
    await h.control.advanceClock(3601)
    // The ban is over; the token itself (1 h expiry) has now expired too.
    const later = await click({ token: token_hash, type: 'recovery' })
    expect(params(new URL(later.headers.get('location')!).hash)).toMatchObject({ error_code: 'otp_expired' })
  })
})

describe('PKCE exchange errors (POST /token?grant_type=pkce)', () => {
  /** Mint a PKCE recovery link, click it, and return the code plus the right verifier. */
  async function codeAndVerifier() {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'recovery', pkce: true })
    const res = await click({ token: minted.token_hash, type: 'recovery', redirect_to: REDIRECT_TO })
    return { code: new URL(res.headers.get('location')!).searchParams.get('code')!, verifier: minted.code_verifier! }
  }
  const exchange = (body: object) => h.api('/token?grant_type=pkce', { method: 'POST', body: JSON.stringify(body) })

  it('requires both code and verifier', async () => {
    const res = await exchange({ auth_code: 'x' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'validation_failed', message: 'invalid request: both auth code and code verifier should be non-empty' })
  })

  it('rejects a wrong verifier without burning the flow state, then accepts the right one once', async () => {
    const { code, verifier } = await codeAndVerifier()
    const wrong = await exchange({ auth_code: code, code_verifier: 'a'.repeat(112) })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toEqual({ code: 'bad_code_verifier', message: 'code challenge does not match previously saved code verifier' })
    const right = await exchange({ auth_code: code, code_verifier: verifier })
    expect(right.status).toBe(200)
    const again = await exchange({ auth_code: code, code_verifier: verifier })
    expect(again.status).toBe(404)
    expect(await again.json()).toEqual({ code: 'flow_state_not_found', message: 'invalid flow state, no valid flow state found' })
  })

  it('expires the flow state 300 s after /recover, even if the link was clicked in time', async () => {
    const { code, verifier } = await codeAndVerifier()
    await h.control.advanceClock(301)
    const res = await exchange({ auth_code: code, code_verifier: verifier })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ code: 'flow_state_expired', message: 'invalid flow state, flow state has expired' })
  })

  it('supabase-js sees flow_state_not_found for an unknown code', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client({ flowType: 'pkce' })
    await browser.auth.resetPasswordForEmail(EMAIL)
    const res = await browser.auth.exchangeCodeForSession('00000000-0000-4000-8000-000000000000')
    expect(res.error).toMatchObject({ status: 404, code: 'flow_state_not_found' })
  })

  it('answers an unknown grant_type with invalid_credentials', async () => {
    const res = await h.api('/token?grant_type=magic', { method: 'POST', body: '{}' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' })
  })
})
