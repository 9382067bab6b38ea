// The password-reset flows end to end (contract §10), driven by the real supabase-js client.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { extractCode, extractLinks } from '../client'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../management'
import { decodeJwt, NEW_PASSWORD, params, PASSWORD, REDIRECT_TO, SITE_URL, tokenHashOf, useLocalAuth } from './helpers'

const h = useLocalAuth({ uriAllowList: ['https://preview-*.example.app/**'] })
const EMAIL = 'reset@example.com'

describe('token_hash flow (verifyOtp)', () => {
  it('resets the password: email → verifyOtp → updateUser → new password works, old fails', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client()
    // The user asks for a reset on the forgot-password form.
    expect(await browser.auth.resetPasswordForEmail(EMAIL, { redirectTo: REDIRECT_TO })).toEqual({ data: {}, error: null })
    const email = await h.control.latestMessageTo(EMAIL)
    expect(email.Subject).toBe('Reset Your Password')
    const hash = tokenHashOf(email)
    expect(hash).toMatch(/^[0-9a-f]{56}$/)
    expect(extractLinks(email.HTML)[0]).toBe(`${SITE_URL}/auth/confirm?token_hash=${hash}&type=recovery&next=/account/update-password`)
    // The app's /auth/confirm exchanges the hash for a session.
    const verified = await browser.auth.verifyOtp({ type: 'recovery', token_hash: hash })
    expect(verified.error).toBeNull()
    expect(decodeJwt(verified.data.session!.access_token).payload.amr).toEqual([
      { method: 'otp', timestamp: expect.any(Number) },
    ])
    // The user submits the new password.
    const updated = await browser.auth.updateUser({ password: NEW_PASSWORD })
    expect(updated.error).toBeNull()
    expect(updated.data.user?.recovery_sent_at).toBeUndefined()

    const fresh = h.client()
    expect((await fresh.auth.signInWithPassword({ email: EMAIL, password: NEW_PASSWORD })).error).toBeNull()
    const old = await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    expect(old.error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' })
  })

  it('is single use: the emailed link clicked twice fails with otp_expired', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    expect((await h.client().auth.verifyOtp({ type: 'recovery', token_hash: hash })).error).toBeNull()
    const again = await h.client().auth.verifyOtp({ type: 'recovery', token_hash: hash })
    expect(again.error).toMatchObject({ status: 403, code: 'otp_expired', message: 'Email link is invalid or has expired' })
  })

  it('hashes as lowercase hex SHA-224(email + code), and a new request replaces the old token', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const first = await h.control.latestMessageTo(EMAIL)
    const code = extractCode(first.Text)!
    expect(tokenHashOf(first)).toBe(createHash('sha224').update(EMAIL + code).digest('hex'))
    // The user asks again after the resend gap.
    await h.control.advanceClock(61)
    await h.control.clearMessages()
    expect((await h.client().auth.resetPasswordForEmail(EMAIL)).error).toBeNull()
    const second = await h.control.latestMessageTo(EMAIL)
    expect((await h.client().auth.verifyOtp({ type: 'recovery', token_hash: tokenHashOf(first) })).error?.code).toBe('otp_expired')
    expect((await h.client().auth.verifyOtp({ type: 'recovery', token_hash: tokenHashOf(second) })).error).toBeNull()
  })

  it('expires the link and the code after otpExpirySeconds on the fake clock', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const email = await h.control.latestMessageTo(EMAIL)
    await h.control.advanceClock(3601)
    const byHash = await h.client().auth.verifyOtp({ type: 'recovery', token_hash: tokenHashOf(email) })
    expect(byHash.error).toMatchObject({ status: 403, code: 'otp_expired', message: 'Email link is invalid or has expired' })
    const byCode = await h.client().auth.verifyOtp({ type: 'recovery', email: EMAIL, token: extractCode(email.Text)! })
    expect(byCode.error).toMatchObject({ status: 403, code: 'otp_expired', message: 'Token has expired or is invalid' })
  })
})

describe('code flow (verifyOtp with email + 6-digit token)', () => {
  it('signs in with the typed code, case-insensitively on the email', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const code = extractCode((await h.control.latestMessageTo(EMAIL)).Text)
    expect(code).toMatch(/^\d{6}$/)
    const res = await h.client().auth.verifyOtp({ type: 'recovery', email: 'Reset@Example.com', token: code! })
    expect(res.error).toBeNull()
    expect(res.data.user?.email).toBe(EMAIL)
    const wrong = await h.client().auth.verifyOtp({ type: 'recovery', email: EMAIL, token: code === '000000' ? '000001' : '000000' })
    expect(wrong.error).toMatchObject({ status: 403, code: 'otp_expired' })
  })
})

describe('PKCE flow (GET /verify → ?code= → exchangeCodeForSession)', () => {
  it('redirects with ?code= and exchanges it for a recovery session', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client({ flowType: 'pkce' })
    const events: string[] = []
    browser.auth.onAuthStateChange((event) => void events.push(event))
    await browser.auth.resetPasswordForEmail(EMAIL, { redirectTo: `${REDIRECT_TO}?next=/account` })
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    expect(hash).toMatch(/^pkce_[0-9a-f]{56}$/)
    // The user clicks GoTrue's own link ({{ .ConfirmationURL }} form).
    const click = await fetch(`${h.auth.url}/auth/v1/verify?token=${hash}&type=recovery&redirect_to=${encodeURIComponent(`${REDIRECT_TO}?next=/account`)}`, { redirect: 'manual' })
    expect(click.status).toBe(303)
    const location = new URL(click.headers.get('location')!)
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_TO)
    expect(location.hash).toBe('')
    expect([...location.searchParams.keys()]).toEqual(['code', 'next'])
    const exchanged = await browser.auth.exchangeCodeForSession(location.searchParams.get('code')!)
    expect(exchanged.error).toBeNull()
    expect((exchanged.data as { redirectType?: string | null }).redirectType).toBe('recovery')
    expect(events).toContain('PASSWORD_RECOVERY')
    expect(decodeJwt(exchanged.data.session!.access_token).payload.amr).toEqual([{ method: 'recovery', timestamp: expect.any(Number) }])
    expect((await browser.auth.updateUser({ password: NEW_PASSWORD })).error).toBeNull()
    // The same link clicked again: the token is gone.
    const second = await fetch(click.url, { redirect: 'manual' })
    expect(params(new URL(second.headers.get('location')!).search)).toMatchObject({ error_code: 'otp_expired' })
  })

  it('exchanges a code for a user banned since it was issued: the ban is checked when the code is issued, not at the exchange [auth:internal/api/token.go:214-289, verify.go:669-671]', async () => {
    await h.admin().auth.admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true, ban_duration: '1h' })
    await h.control.advanceClock(2 * 3600) // past the ban: the reset and the click go through
    const browser = h.client({ flowType: 'pkce' })
    await browser.auth.resetPasswordForEmail(EMAIL, { redirectTo: REDIRECT_TO })
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    const click = await fetch(`${h.auth.url}/auth/v1/verify?token=${hash}&type=recovery&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const code = new URL(click.headers.get('location')!).searchParams.get('code')!
    await h.control.advanceClock(-2 * 3600) // back inside the ban, as if an admin had banned the user since the click
    const exchanged = await browser.auth.exchangeCodeForSession(code)
    expect(exchanged.error).toBeNull()
    expect(exchanged.data.session?.access_token).toBeTruthy()
  })

  it('also verifies a pkce_ hash directly with POST /verify (token_hash path needs no verifier)', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client({ flowType: 'pkce' }).auth.resetPasswordForEmail(EMAIL)
    const email = await h.control.latestMessageTo(EMAIL)
    const otherDevice = h.client()
    expect((await otherDevice.auth.verifyOtp({ type: 'recovery', token_hash: tokenHashOf(email) })).error).toBeNull()
  })

  it('matches a pkce_ token with the typed code too', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client({ flowType: 'pkce' }).auth.resetPasswordForEmail(EMAIL)
    const code = extractCode((await h.control.latestMessageTo(EMAIL)).Text)!
    expect((await h.client().auth.verifyOtp({ type: 'recovery', email: EMAIL, token: code })).error).toBeNull()
  })
})

describe('implicit flow (GET /verify → fragment)', () => {
  it('redirects with the session in a sorted fragment and the query untouched', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    const target = `${REDIRECT_TO}?b=2&a=1`
    const res = await fetch(`${h.auth.url}/auth/v1/verify?token=${hash}&type=recovery&redirect_to=${encodeURIComponent(target)}`, { redirect: 'manual' })
    expect(res.status).toBe(303)
    const location = res.headers.get('location')!
    expect(location.startsWith(`${target}#access_token=`)).toBe(true)
    const fragment = location.split('#')[1]!
    expect(fragment.split('&').map((kv) => kv.split('=')[0])).toEqual([
      'access_token', 'expires_at', 'expires_in', 'refresh_token', 'sb', 'token_type', 'type',
    ])
    const p = params(fragment)
    expect(p).toMatchObject({ sb: '', token_type: 'bearer', type: 'recovery', expires_in: '3600' })
    const user = await h.client().auth.getUser(p.access_token)
    expect(user.data.user?.email).toBe(EMAIL)
  })
})

describe('POST /recover', () => {
  it('answers 200 {} for an unknown email and sends nothing', async () => {
    expect(await h.client().auth.resetPasswordForEmail('nobody@example.com')).toEqual({ data: {}, error: null })
    expect(await h.control.messages()).toEqual([])
  })

  it('enforces the per-user resend gap with the exact 429 message', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    await h.control.advanceClock(30)
    const res = await h.client().auth.resetPasswordForEmail(EMAIL)
    expect(res.error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' })
    expect(res.error?.message).toMatch(/^For security purposes, you can only request this after (29|30) seconds\.$/)
    expect(await h.control.messages()).toHaveLength(1)
    await h.control.advanceClock(31)
    expect((await h.client().auth.resetPasswordForEmail(EMAIL)).error).toBeNull()
  })

  it('validates the email and the PKCE pair', async () => {
    const missing = await h.api('/recover', { method: 'POST', body: JSON.stringify({ email: '' }) })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ code: 'validation_failed', message: 'Password recovery requires an email' })
    const bad = await h.client().auth.resetPasswordForEmail('not an email')
    expect(bad.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Unable to validate email address: invalid format' })
    const half = await h.api('/recover', { method: 'POST', body: JSON.stringify({ email: EMAIL, code_challenge: 'x'.repeat(43) }) })
    expect(await half.json()).toEqual({ code: 'validation_failed', message: 'PKCE flow requires code_challenge_method and code_challenge' })
    const short = await h.api('/recover', { method: 'POST', body: JSON.stringify({ email: EMAIL, code_challenge: 'abc', code_challenge_method: 's256' }) })
    expect((await short.json()).message).toBe('code challenge has to be between 43 and 128 characters')
  })

  it('puts the asked redirect_to into the email ({{ .ConfirmationURL }} carries it) [auth:internal/mailer/templatemailer/templatemailer.go:329-341]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const patched = await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mailer_templates_recovery_content: '<a href="{{ .ConfirmationURL }}">Reset</a>' }),
    })
    expect(patched.status).toBe(200)
    const target = `${SITE_URL}/somewhere`
    await h.client().auth.resetPasswordForEmail(EMAIL, { redirectTo: target })
    const link = new URL(extractLinks((await h.control.latestMessageTo(EMAIL)).HTML)[0]!)
    expect(link.pathname).toBe('/auth/v1/verify')
    expect(link.searchParams.get('redirect_to')).toBe(target)
  })

  it('creates the PKCE flow state before the resend gap refuses, so a refused request takes over the emailed link’s code [auth:internal/api/recover.go:59-69, mail.go:401-403, pkce.go:42-43, models/flow_state.go:191-193]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const recover = (verifier: string) =>
      h.api('/recover', {
        method: 'POST',
        body: JSON.stringify({ email: EMAIL, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 's256' }),
      })
    const [first, second] = ['first-browser-'.padEnd(43, 'a'), 'second-browser-'.padEnd(43, 'b')]
    expect((await recover(first)).status).toBe(200)
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    // A second browser asks again within the 60 s gap: refused, but its flow state is already stored.
    expect((await recover(second)).status).toBe(429)
    const click = await fetch(`${h.auth.url}/auth/v1/verify?token=${hash}&type=recovery&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const code = new URL(click.headers.get('location')!).searchParams.get('code')!
    const exchange = (verifier: string) =>
      h.api('/token?grant_type=pkce', { method: 'POST', body: JSON.stringify({ auth_code: code, code_verifier: verifier }) })
    expect((await exchange(second)).status).toBe(200)
  })

  it('counts the link’s expiry from when the email was sent, not from when the account was made [auth:internal/api/mail.go:425, verify.go:685-686,791-792]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.control.advanceClock(2 * 3600)
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const token_hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    expect((await h.client().auth.verifyOtp({ type: 'recovery', token_hash })).error).toBeNull()
  })

  it('redirects only to an allowed redirect_to and falls back to SITE_URL otherwise', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const cases: [string, string][] = [
      ['https://evil.example/steal', SITE_URL],
      ['https://preview-42.example.app/auth/callback', 'https://preview-42.example.app/auth/callback'],
      [`${SITE_URL}/somewhere`, `${SITE_URL}/somewhere`],
    ]
    for (const [asked, expected] of cases) {
      await h.control.advanceClock(61)
      const minted = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
      const res = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.token_hash}&type=recovery&redirect_to=${encodeURIComponent(asked)}`, { redirect: 'manual' })
      expect(res.headers.get('location')!.split('#')[0]).toBe(expected)
    }
  })
})
