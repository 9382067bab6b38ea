// The other email OTP types (signup/email, magiclink, invite, email_change): minted through the control
// API or the optional /signup, /otp and /invite endpoints, rendered from the shipped templates, and
// verified through POST /verify and the PKCE GET /verify path.
import { describe, expect, it } from 'vitest'
import { extractCode, extractLinks } from '../client'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../management'
import { decodeJwt, PASSWORD, REDIRECT_TO, SITE_URL, tokenHashOf, useLocalAuth } from './helpers'

const h = useLocalAuth()
const EMAIL = 'types@example.com'

describe('POST /__local/tokens renders each template', () => {
  it.each([
    ['signup', 'Confirm Your Signup', 'email'],
    ['magiclink', 'Your Magic Link', 'magiclink'],
    ['invite', 'You have been invited', 'invite'],
    ['email_change', 'Confirm Email Change', 'email_change'],
    ['recovery', 'Reset Your Password', 'recovery'],
  ] as const)('%s → "%s" linking type=%s', async (type, subject, linkType) => {
    if (type !== 'signup' && type !== 'invite') await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type })
    const message = await h.control.message(minted.message_id)
    expect(message.Subject).toBe(subject)
    const link = new URL(extractLinks(message.HTML)[0]!)
    expect(link.origin).toBe(SITE_URL)
    expect(link.searchParams.get('type')).toBe(linkType)
    expect(link.searchParams.get('token_hash')).toBe(minted.token_hash)
  })
})

describe('signup confirmation', () => {
  it('blocks sign-in until the email is confirmed with verifyOtp type signup', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD, email_confirm: false })
    const blocked = await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    expect(blocked.error).toMatchObject({ status: 400, code: 'email_not_confirmed', message: 'Email not confirmed' })
    const { token_hash } = await h.control.mintToken({ email: EMAIL, type: 'signup' })
    const verified = await h.client().auth.verifyOtp({ type: 'signup', token_hash })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.email_confirmed_at).toBeDefined()
    expect(verified.data.user?.user_metadata.email_verified).toBe(true)
    expect((await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error).toBeNull()
  })

  it('accepts type "email" for a confirmation token (what /auth/confirm sends for signups)', async () => {
    const { token_hash } = await h.control.mintToken({ email: EMAIL, type: 'signup' })
    expect((await h.client().auth.verifyOtp({ type: 'email', token_hash })).error).toBeNull()
  })

  it('signUp sends the confirmation email and returns a user without a session', async () => {
    const res = await h.client().auth.signUp({ email: EMAIL, password: PASSWORD, options: { data: { name: 'Ada' } } })
    expect(res.error).toBeNull()
    expect(res.data.session).toBeNull()
    expect(res.data.user?.user_metadata.name).toBe('Ada')
    const email = await h.control.latestMessageTo(EMAIL)
    expect(email.Subject).toBe('Confirm Your Signup')
    expect((await h.client().auth.verifyOtp({ type: 'email', email: EMAIL, token: extractCode(email.Text)! })).error).toBeNull()
  })

  it('signUp for an already-confirmed address sends nothing and reveals nothing', async () => {
    const existing = await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const res = await h.client().auth.signUp({ email: EMAIL, password: 'another-pass-9' })
    expect(res.error).toBeNull()
    expect(res.data.user?.id).not.toBe(existing.id)
    expect(res.data.user?.identities).toEqual([])
    expect(await h.control.messages()).toEqual([])
  })

  it('signUp checks password strength', async () => {
    const res = await h.client().auth.signUp({ email: EMAIL, password: '123' })
    expect(res.error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] })
  })
})

describe('magic link', () => {
  it('takes the magic link’s 6-digit code as type "email" too (verifyOtp({ type: "email" }) after signInWithOtp) [auth:internal/api/verify.go:734-741]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    expect((await h.client().auth.signInWithOtp({ email: EMAIL })).error).toBeNull()
    const code = extractCode((await h.control.latestMessageTo(EMAIL)).Text)!
    expect((await h.client().auth.verifyOtp({ type: 'email', email: EMAIL, token: code })).error).toBeNull()
  })

  it('signInWithOtp emails a magic link whose hash and code both sign in', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    expect((await h.client().auth.signInWithOtp({ email: EMAIL })).error).toBeNull()
    const email = await h.control.latestMessageTo(EMAIL)
    expect(email.Subject).toBe('Your Magic Link')
    const res = await h.client().auth.verifyOtp({ type: 'magiclink', token_hash: tokenHashOf(email) })
    expect(res.error).toBeNull()
    expect((await h.client().auth.verifyOtp({ type: 'magiclink', email: EMAIL, token: extractCode(email.Text)! })).error?.code).toBe('otp_expired')
  })

  it('shares the resend gap with recovery', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const res = await h.client().auth.signInWithOtp({ email: EMAIL })
    expect(res.error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' })
  })

  it('refuses to create a user when shouldCreateUser is false', async () => {
    const res = await h.client().auth.signInWithOtp({ email: EMAIL, options: { shouldCreateUser: false } })
    expect(res.error).toMatchObject({ status: 422, code: 'otp_disabled' })
  })

  it('PKCE magic link: GET /verify → code → exchange gives AMR magiclink', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client({ flowType: 'pkce' })
    await browser.auth.signInWithOtp({ email: EMAIL, options: { emailRedirectTo: REDIRECT_TO } })
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    const res = await fetch(`${h.auth.url}/auth/v1/verify?token=${hash}&type=magiclink&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!
    const exchanged = await browser.auth.exchangeCodeForSession(code)
    expect(exchanged.error).toBeNull()
    expect(decodeJwt(exchanged.data.session!.access_token).payload.amr).toEqual([{ method: 'magiclink', timestamp: expect.any(Number) }])
  })
})

describe('invite', () => {
  it('admin inviteUserByEmail sends invite.html; verifying it confirms the user, who then sets a password', async () => {
    const invited = await h.admin().auth.admin.inviteUserByEmail(EMAIL, { data: { team: 'blue' } })
    expect(invited.error).toBeNull()
    expect(invited.data.user?.invited_at).toBeDefined()
    const email = await h.control.latestMessageTo(EMAIL)
    expect(email.Subject).toBe('You have been invited')
    expect(extractLinks(email.HTML)[0]).toContain('&type=invite&next=/account/update-password')
    const browser = h.client()
    const verified = await browser.auth.verifyOtp({ type: 'invite', token_hash: tokenHashOf(email) })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.user_metadata.team).toBe('blue')
    expect((await browser.auth.updateUser({ password: PASSWORD })).error).toBeNull()
    expect((await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error).toBeNull()
  })

  it('refuses to invite a confirmed user', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const res = await h.admin().auth.admin.inviteUserByEmail(EMAIL)
    expect(res.error).toMatchObject({ status: 422, code: 'email_exists' })
  })
})

describe('email change', () => {
  it('updateUser({email}) emails both addresses; the first link opened signs no one in, the second switches the email', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client()
    await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    const res = await browser.auth.updateUser({ email: 'moved@example.com' })
    expect(res.error).toBeNull()
    expect(res.data.user?.new_email).toBe('moved@example.com')
    const toNew = await h.control.latestMessageTo('moved@example.com')
    const toCurrent = await h.control.latestMessageTo(EMAIL)
    expect(toNew.HTML).toContain(`from ${EMAIL} to moved@example.com`)
    expect(toCurrent.HTML).toContain(`from ${EMAIL} to moved@example.com`)
    expect(tokenHashOf(toCurrent)).not.toBe(tokenHashOf(toNew))
    // POST /verify answers the first of two with a message and no session [auth:internal/api/verify.go:294-299].
    const first = await h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'email_change', token_hash: tokenHashOf(toNew) }) })
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({ msg: 'Confirmation link accepted. Please proceed to confirm link sent to the other email', code: '200' })
    expect((await h.admin().auth.admin.listUsers()).data.users[0]?.email).toBe(EMAIL)
    // The same link again is spent; the other one completes the change and signs in.
    expect((await h.client().auth.verifyOtp({ type: 'email_change', token_hash: tokenHashOf(toNew) })).error?.code).toBe('otp_expired')
    const verified = await h.client().auth.verifyOtp({ type: 'email_change', token_hash: tokenHashOf(toCurrent) })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.email).toBe('moved@example.com')
  })

  it('the code of either email works too (email + token), the current address with its own code', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    // The shipped template has no code; minting returns both emails' codes, as {{ .Token }} would show them.
    const minted = await h.control.mintToken({ email: EMAIL, type: 'email_change', new_email: 'moved@example.com' })
    const half = await h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'email_change', email: EMAIL, token: minted.current_token }) })
    expect(await half.json()).toMatchObject({ code: '200' })
    const done = await h.client().auth.verifyOtp({ type: 'email_change', email: 'moved@example.com', token: minted.token })
    expect(done.error).toBeNull()
    expect(done.data.user?.email).toBe('moved@example.com')
  })

  it('GET /verify (the {{ .ConfirmationURL }} link): the first of two redirects with the message, under PKCE in the query too', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'email_change', new_email: 'moved@example.com', pkce: true, redirect_to: 'http://127.0.0.1:8787/auth/confirm?next=/settings' })
    const first = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.token_hash}&type=email_change&redirect_to=http://127.0.0.1:8787/auth/confirm?next=/settings`, { redirect: 'manual' })
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe(
      'http://127.0.0.1:8787/auth/confirm?message=Confirmation+link+accepted.+Please+proceed+to+confirm+link+sent+to+the+other+email&next=%2Fsettings#message=Confirmation+link+accepted.+Please+proceed+to+confirm+link+sent+to+the+other+email&sb=',
    )
    const second = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.current_token_hash}&type=email_change&redirect_to=http://127.0.0.1:8787/auth/confirm`, { redirect: 'manual' })
    expect(new URL(second.headers.get('location') ?? '').searchParams.get('code')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('with mailer_secure_email_change_enabled off, only the new address is mailed and its link alone switches the email', async () => {
    await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mailer_secure_email_change_enabled: false }),
    })
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client()
    await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    await browser.auth.updateUser({ email: 'moved@example.com' })
    expect((await h.control.messages()).map((m) => m.To[0]?.Address)).toEqual(['moved@example.com'])
    const verified = await h.client().auth.verifyOtp({ type: 'email_change', token_hash: tokenHashOf(await h.control.latestMessageTo('moved@example.com')) })
    expect(verified.data.user?.email).toBe('moved@example.com')
  })

  it('rejects an address that is already registered', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.control.createUser({ email: 'taken@example.com', password: PASSWORD })
    const browser = h.client()
    await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    const res = await browser.auth.updateUser({ email: 'taken@example.com' })
    expect(res.error).toMatchObject({ status: 422, code: 'email_exists' })
  })
})
