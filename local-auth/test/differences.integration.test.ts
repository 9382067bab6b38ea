// Behaviours where the stand-in used to differ from Supabase Auth, each pinned to the supabase/auth source:
// PUT /user atomicity, POST /verify with redirect_to, repeated signups, HEAD /verify, byte-counted
// minimum length, autoconfirm, POST /resend and the /settings keys.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { NEW_PASSWORD, PASSWORD, REDIRECT_TO, tokenHashOf, useLocalAuth } from './helpers'

const h = useLocalAuth()
const auto = useLocalAuth({ autoconfirm: true })
const EMAIL = 'diff@example.com'

async function signedIn() {
  await h.control.createUser({ email: EMAIL, password: PASSWORD })
  const browser = h.client()
  const { data, error } = await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
  expect(error).toBeNull()
  return { browser, token: data.session!.access_token }
}
const signIn = async (password: string, email = EMAIL) => (await h.client().auth.signInWithPassword({ email, password })).error?.code ?? 'ok'
const signup = (body: Record<string, unknown>, harness = h) =>
  harness.api('/signup', { method: 'POST', body: JSON.stringify(body) })

describe('PUT /user validates every field before writing anything [auth:internal/api/user.go:88-304]', () => {
  it('keeps the old password when the email in the same request is invalid', async () => {
    const { token } = await signedIn()
    const res = await h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ password: NEW_PASSWORD, email: 'not an email' }) })
    expect(res.status).toBe(400)
    expect((await res.json()).code).toBe('validation_failed')
    expect(await signIn(PASSWORD)).toBe('ok')
    expect(await signIn(NEW_PASSWORD)).toBe('invalid_credentials')
  })

  it('keeps the old password when the new email is taken (email_exists)', async () => {
    const { token } = await signedIn()
    await h.control.createUser({ email: 'taken@example.com', password: PASSWORD })
    const res = await h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ password: NEW_PASSWORD, email: 'taken@example.com' }) })
    expect((await res.json()).code).toBe('email_exists')
    expect(await signIn(NEW_PASSWORD)).toBe('invalid_credentials')
  })

  it('keeps the metadata when the email change is refused by the per-user gap (429); with a password in the request there is no gap, as UpdatePassword clears it first [models/user.go:443]', async () => {
    const { token } = await signedIn()
    const put = (body: Record<string, unknown>) => h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
    expect((await put({ email: 'first-new@example.com' })).status).toBe(200)
    const res = await put({ email: 'second-new@example.com', data: { colour: 'red' } })
    expect(res.status).toBe(429)
    expect(await signIn(PASSWORD)).toBe('ok')
    const user = (await (await h.api('/user', { headers: { Authorization: `Bearer ${token}` } })).json()) as { user_metadata: Record<string, unknown> }
    expect(user.user_metadata.colour).toBeUndefined()
  })

  it('keeps the old password and metadata when the email change is refused by the hourly email budget (429) [auth:internal/api/mail.go:792-813]', async () => {
    const { token } = await signedIn()
    await h.control.setLimits({ emailsPerHour: 1 })
    await h.control.createUser({ email: 'other@example.com', password: PASSWORD })
    expect((await h.client().auth.resetPasswordForEmail('other@example.com')).error).toBeNull() // the hour's one email
    const res = await h.api('/user', {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ password: NEW_PASSWORD, email: 'budget-new@example.com', data: { colour: 'red' } }),
    })
    expect(res.status).toBe(429)
    expect(await res.json()).toEqual({ code: 'over_email_send_rate_limit', message: 'email rate limit exceeded' })
    expect(await signIn(PASSWORD)).toBe('ok')
    const user = (await (await h.api('/user', { headers: { Authorization: `Bearer ${token}` } })).json()) as { user_metadata: Record<string, unknown> }
    expect(user.user_metadata.colour).toBeUndefined()
  })
})

describe('POST /verify', () => {
  it('refuses token_hash together with redirect_to in the body [auth:internal/api/verify.go:84-85]', async () => {
    const res = await h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'recovery', token_hash: 'abc', redirect_to: REDIRECT_TO }) })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'validation_failed', message: 'Only the token_hash and type should be provided' })
  })
})

describe('POST /verify with email or phone + token: the address is validated before the type decides (DIVERGENCES F-12) [auth:internal/api/verify.go:67-82]', () => {
  const verify = (body: Record<string, unknown>) => h.api('/verify', { method: 'POST', body: JSON.stringify(body) })
  it.each([
    [{ type: 'foo', email: 'not an address', token: '123456' }, 422, { code: 'validation_failed', message: 'Invalid email format' }],
    [{ type: 'recovery', phone: 'abc', token: '1' }, 400, { code: 'validation_failed', message: 'Invalid phone number format (E.164 required)' }],
    [{ type: 'sms', phone: '+1 555 0100', token: '123456' }, 403, { code: 'otp_expired', message: 'Token has expired or is invalid' }],
    [{ type: 'foo', email: EMAIL, token: '123456' }, 403, { code: 'otp_expired', message: 'Token has expired or is invalid' }],
  ])('%j → %i', async (body, status, answer) => {
    const res = await verify(body)
    expect(res.status).toBe(status)
    expect(await res.json()).toEqual(answer)
  })
  it('a banned user hears so whatever the code, for every type looked up by address [verify.go:715-729]; sms looks up a phone', async () => {
    await h.admin().auth.admin.createUser({ email: EMAIL, password: PASSWORD, email_confirm: true, ban_duration: '24h' })
    const banned = { code: 'user_banned', message: 'User is banned' }
    expect(await (await verify({ type: 'foo', email: EMAIL, token: '123456' })).json()).toEqual(banned)
    expect(await (await verify({ type: 'recovery', email: EMAIL, token: '000000' })).json()).toEqual(banned)
    expect(await (await verify({ type: 'sms', email: EMAIL, token: '000000' })).json()).toEqual({ code: 'otp_expired', message: 'Token has expired or is invalid' })
  })
})

describe('POST /resend refused: no flow state left behind [auth:internal/api/resend.go:124-153]', () => {
  it.each(['the 60 s gap', 'the hourly budget'])('a PKCE resend refused by %s leaves the pending link with its own flow state', async (refusal) => {
    const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')
    const [first, second] = ['a'.repeat(43), 'b'.repeat(43)]
    const signup = await h.api('/signup', { method: 'POST', body: JSON.stringify({ email: EMAIL, password: PASSWORD, code_challenge: s256(first), code_challenge_method: 's256' }) })
    expect(signup.status).toBe(200)
    const link = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    if (refusal === 'the hourly budget') {
      await h.control.advanceClock(61)
      await h.control.setLimits({ emailsPerHour: 0 })
    }
    const resend = await h.api('/resend', { method: 'POST', body: JSON.stringify({ type: 'signup', email: EMAIL, code_challenge: s256(second), code_challenge_method: 's256' }) })
    expect(resend.status).toBe(429)
    const click = await fetch(`${h.auth.url}/auth/v1/verify?token=${link}&type=signup&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const code = new URL(click.headers.get('location') ?? '').searchParams.get('code')
    const exchanged = await h.api('/token?grant_type=pkce', { method: 'POST', body: JSON.stringify({ auth_code: code, code_verifier: first }) })
    expect(exchanged.status).toBe(200)
  })
})

describe('GET /verify details (DIVERGENCES F-7, F-9)', () => {
  it('type=email names the token that matched in the fragment: magiclink for a recovery token, signup for a confirmation [verify.go:675-681, 213-215]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const recovery = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
    const res = await fetch(`${h.auth.url}/auth/v1/verify?token=${recovery.token_hash}&type=email&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    expect(new URLSearchParams(new URL(res.headers.get('location') ?? '').hash.slice(1)).get('type')).toBe('magiclink')
    const signup = await h.control.mintToken({ email: 'fresh@example.com', type: 'signup' })
    const res2 = await fetch(`${h.auth.url}/auth/v1/verify?token=${signup.token_hash}&type=email&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    expect(new URLSearchParams(new URL(res2.headers.get('location') ?? '').hash.slice(1)).get('type')).toBe('signup')
  })
  it('a PKCE token with no flow state for its method: GoTrue’s wrapped description [pkce.go:44-46, verify.go:191-193]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'recovery', pkce: true })
    // Opened as a magic link: the token matches, but there is no magiclink flow state.
    const res = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.token_hash}&type=magiclink&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const location = new URL(res.headers.get('location') ?? '')
    expect(location.searchParams.get('error_code')).toBe('flow_state_not_found')
    expect(location.searchParams.get('error_description')).toBe('No associated flow state found. 422: No valid flow state found for user.')
    // The query is written once encoded; the fragment goes through URL.String(), which escapes each `%`
    // again (DIVERGENCES F-17) [verify.go:505-513].
    expect(location.search).toBe('?error=invalid_request&error_code=flow_state_not_found&error_description=No+associated+flow+state+found.+422%3A+No+valid+flow+state+found+for+user.')
    expect(location.hash).toBe('#error=invalid_request&error_code=flow_state_not_found&error_description=No+associated+flow+state+found.+422%253A+No+valid+flow+state+found+for+user.&sb=')
  })
  it('implicit success appends the session to redirect_to as a string, after a fragment it already has (DIVERGENCES F-8) [tokens/service.go:143-153]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'magiclink' })
    const res = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.token_hash}&type=magiclink&redirect_to=${encodeURIComponent(`${REDIRECT_TO}#/reset`)}`, { redirect: 'manual' })
    expect(res.headers.get('location')).toMatch(new RegExp(`^${REDIRECT_TO.replace(/[.?]/g, '\\$&')}#/reset#access_token=[^#]+&type=magiclink$`))
  })
})

describe('HEAD /verify', () => {
  it('is a 405 that spends nothing: the emailed link still works afterwards [auth:internal/api/api.go:270-273 (chi routes GET and POST only)]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'recovery' })
    // A mail scanner probing the Supabase link with HEAD.
    const head = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.token_hash}&type=recovery&redirect_to=${REDIRECT_TO}`, { method: 'HEAD', redirect: 'manual' })
    expect(head.status).toBe(405)
    expect(head.headers.get('location')).toBeNull()
    const { error } = await h.client().auth.verifyOtp({ type: 'recovery', token_hash: minted.token_hash })
    expect(error).toBeNull()
  })

  it('is still charged to the per-IP verify bucket, as the limiter wraps the whole /verify mount', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    for (let i = 0; i < 30; i++) await fetch(`${h.auth.url}/auth/v1/verify?token=x&type=recovery`, { method: 'HEAD' })
    expect((await h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'recovery', token_hash: 'x' }) })).status).toBe(429)
  })
})

describe('POST /signup and /otp without what they need [auth:internal/api/api.go:233-252, signup.go:35-37, otp.go:37-39,88-94]', () => {
  it.each([
    ['neither address nor phone: an anonymous sign-in, which is off', 422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled', {}],
    ['no password', 400, 'validation_failed', 'Signup requires a valid password', { email: 'nopass@example.com' }],
    ['an address and a phone', 400, 'validation_failed', 'Only an email address or phone number should be provided on signup.', { email: 'both@example.com', phone: '+15555550100', password: PASSWORD }],
    ['a phone alone (phone sign-ups are off)', 400, 'phone_provider_disabled', 'Phone signups are disabled', { phone: '+15555550100', password: PASSWORD }],
  ])('/signup with %s → %i %s', async (_name, status, code, message, body) => {
    const res = await signup(body)
    expect(res.status).toBe(status)
    expect(await res.json()).toEqual({ code, message })
  })

  it('an anonymous attempt does not use up the signups bucket; one with an address does', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    for (let i = 0; i < 40; i++) expect((await signup({})).status).toBe(422)
    const res = await signup({ email: 'after-anonymous@example.com', password: PASSWORD })
    expect(res.status).toBe(200)
  })

  it.each([
    ['neither address nor phone', 'validation_failed', 'One of email or phone must be set', {}],
    ['an address and a phone', 'validation_failed', 'Only an email address or phone number should be provided', { email: 'both@example.com', phone: '+15555550100' }],
    ['a phone (phone OTPs are off)', 'phone_provider_disabled', 'Unsupported phone provider', { phone: '+15555550100' }],
  ])('/otp with %s → 400 %s', async (_name, code, message, body) => {
    const res = await h.api('/otp', { method: 'POST', body: JSON.stringify(body) })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code, message })
  })
})

describe('POST /signup repeated', () => {
  it('keeps the stored password of an unconfirmed address and only resends [auth:internal/api/signup.go:193-197]', async () => {
    expect((await signup({ email: EMAIL, password: PASSWORD })).status).toBe(200)
    await h.control.advanceClock(61)
    expect((await signup({ email: EMAIL, password: NEW_PASSWORD })).status).toBe(200)
    const [latest] = await h.control.messages()
    const { error } = await h.client().auth.verifyOtp({ type: 'signup', token_hash: tokenHashOf(await h.control.message(latest!.ID)) })
    expect(error).toBeNull()
    expect(await signIn(PASSWORD)).toBe('ok')
    expect(await signIn(NEW_PASSWORD)).toBe('invalid_credentials')
  })

  it('answers a confirmed address with the sanitised user and sends nothing [auth:internal/api/signup.go:296-300,349-379]', async () => {
    const real = await h.control.createUser({ email: EMAIL, password: PASSWORD, user_metadata: { name: 'Real' } })
    const res = await signup({ email: EMAIL, password: NEW_PASSWORD, data: { plan: 'x' } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body.id).not.toBe(real.id)
    expect(body).toMatchObject({
      email: EMAIL,
      role: '',
      aud: 'authenticated',
      identities: [],
      user_metadata: { plan: 'x' },
      app_metadata: { provider: 'email', providers: ['email'] },
    })
    for (const key of ['email_confirmed_at', 'confirmed_at', 'last_sign_in_at', 'email_change_sent_at']) expect(body).not.toHaveProperty(key)
    expect(body.confirmation_sent_at).toEqual(body.created_at)
    expect(await h.control.messages()).toEqual([])
  })

  it('leaves no user behind when the confirmation email is refused (one transaction) [signup.go:191-278]', async () => {
    await h.control.setLimits({ emailsPerHour: 0 })
    expect((await signup({ email: EMAIL, password: PASSWORD })).status).toBe(429)
    await h.control.setLimits({ emailsPerHour: 10 })
    expect((await signup({ email: EMAIL, password: NEW_PASSWORD })).status).toBe(200)
    expect((await h.control.messages()).length).toBe(1)
  })
})

describe('minimum password length counts bytes, as Go len() does [auth:internal/api/password.go:41]', () => {
  it('accepts three two-byte characters against a minimum of 6', async () => {
    const { browser } = await signedIn()
    expect((await browser.auth.updateUser({ password: 'ééé' })).error).toBeNull()
  })

  it('refuses five one-byte characters', async () => {
    const { browser } = await signedIn()
    expect((await browser.auth.updateUser({ password: 'abcde' })).error?.code).toBe('weak_password')
  })
})

describe('autoconfirm (GOTRUE_MAILER_AUTOCONFIRM)', () => {
  it('signs the new user in at once, sends no email, and says so in /settings [signup.go:228-237,305-330; settings.go:78]', async () => {
    const res = await signup({ email: EMAIL, password: PASSWORD }, auto)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { access_token?: string; user: { email_confirmed_at?: string } }
    expect(body.access_token).toBeTruthy()
    expect(body.user.email_confirmed_at).toBeTruthy()
    expect(await auto.control.messages()).toEqual([])
    expect((await (await auto.api('/settings')).json()).mailer_autoconfirm).toBe(true)
  })

  it('answers a duplicate with 422 user_already_exists [signup.go:293-295]', async () => {
    await signup({ email: EMAIL, password: PASSWORD }, auto)
    const res = await signup({ email: EMAIL, password: PASSWORD }, auto)
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ code: 'user_already_exists', message: 'User already registered' })
  })
})

describe('POST /resend [auth:internal/api/resend.go]', () => {
  const resend = (body: Record<string, unknown>) => h.api('/resend', { method: 'POST', body: JSON.stringify(body) })

  it('sends the signup confirmation again, after the per-user gap', async () => {
    await signup({ email: EMAIL, password: PASSWORD })
    const early = await resend({ type: 'signup', email: EMAIL })
    expect(early.status).toBe(429)
    expect((await early.json()).code).toBe('over_email_send_rate_limit')
    await h.control.advanceClock(61)
    expect((await h.client().auth.resend({ type: 'signup', email: EMAIL })).error).toBeNull()
    const all = await h.control.messages()
    expect(all.map((m) => m.Subject)).toEqual(['Confirm Your Signup', 'Confirm Your Signup'])
  })

  it('answers 200 {} and sends nothing for unknown or confirmed addresses [resend.go:93-105]', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    for (const email of [EMAIL, 'ghost@example.com']) {
      const res = await resend({ type: 'signup', email })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({})
    }
    expect(await h.control.messages()).toEqual([])
  })

  it('resends a pending email change to the new address, and nothing without one [resend.go:111-115,146-153]', async () => {
    const { browser } = await signedIn()
    expect((await resend({ type: 'email_change', email: EMAIL })).status).toBe(200)
    expect(await h.control.messages()).toEqual([])
    await browser.auth.updateUser({ email: 'moved@example.com' })
    await h.control.advanceClock(61)
    expect((await resend({ type: 'email_change', email: EMAIL })).status).toBe(200)
    // Both addresses each time: a resend is sendEmailChange again, secure by default [resend.go:146-153, mail.go:537-543].
    const all = await h.control.messages()
    expect(all.map((m) => m.To[0]?.Address).sort()).toEqual([EMAIL, EMAIL, 'moved@example.com', 'moved@example.com'].sort())
  })

  it.each([
    [{ type: 'nope', email: EMAIL }, 'Missing one of these types: signup, email_change, sms, phone_change'],
    [{ type: 'signup' }, 'Type provided requires an email address'],
    [{ type: 'email_change' }, 'Missing email address or phone number'],
  ])('validates %j [resend.go:22-68]', async (body, message) => {
    const res = await resend(body)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'validation_failed', message })
  })
})

describe('GET /settings', () => {
  it("has every key of GoTrue's Settings struct [auth:internal/api/settings.go:5-43]", async () => {
    const body = (await (await h.api('/settings')).json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(
      ['disable_signup', 'external', 'mailer_autoconfirm', 'passkeys_enabled', 'phone_autoconfirm', 'saml_enabled', 'saml_private_key_next_configured', 'sms_provider'],
    )
    expect(Object.keys(body.external as object)).toContain('snapchat')
    expect(body.mailer_autoconfirm).toBe(false)
  })
})

describe('refresh-token reuse interval', () => {
  it('defaults to the CLI config value, 10 s [cli:apps/cli-go/pkg/config/templates/config.toml:174]', async () => {
    const { browser } = await signedIn()
    const { data } = await browser.auth.getSession()
    const original = data.session!.refresh_token
    const refresh = (refresh_token: string) => h.api('/token?grant_type=refresh_token', { method: 'POST', body: JSON.stringify({ refresh_token }) })
    const first = (await (await refresh(original)).json()) as { refresh_token: string }
    await refresh(first.refresh_token)
    // The original is now two generations old (not the parent of the active token), so only the interval
    // lets it through: 9 s later it still swaps, where GoTrue's own default of 0 s would refuse it.
    await h.control.advanceClock(9)
    expect((await refresh(original)).status).toBe(200)
  })
})
