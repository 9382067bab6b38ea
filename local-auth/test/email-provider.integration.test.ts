/**
 * The dashboard's Email provider switch (Management API `external_email_enabled`, DIVERGENCES F-16), as
 * GoTrue applies it: off, every route that would email or sign in with an address refuses with
 * `email_provider_disabled` (status and wording per route), /settings says so, and nothing is sent.
 * Also `shouldCreateUser`'s answer for /otp with create_user false, which runs before that switch.
 */
import { describe, expect, it } from 'vitest'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../management'
import { PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth()
const EMAIL = 'provider@example.com'

async function setEmailProvider(enabled: boolean, harness = h) {
  const res = await fetch(`${harness.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ external_email_enabled: enabled }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

const settingsEmail = async (harness = h) => ((await (await harness.api('/settings')).json()) as { external: { email: boolean } }).external.email

/** POST under /auth/v1 and read GoTrue's 2024 error shape. */
async function post(path: string, body: Record<string, unknown>) {
  const res = await h.api(path, { method: 'POST', body: JSON.stringify(body) })
  const json = (await res.json()) as { code?: string; message?: string }
  return { status: res.status, code: json.code, message: json.message }
}

describe('the Email provider switch (external_email_enabled)', () => {
  it('is on by default and reported by GET config and /settings; PATCH turns it off and on, reset restores it', async () => {
    expect(await settingsEmail()).toBe(true)
    expect((await setEmailProvider(false)).external_email_enabled).toBe(false)
    expect(await settingsEmail()).toBe(false)
    expect((await setEmailProvider(true)).external_email_enabled).toBe(true)
    expect(await settingsEmail()).toBe(true)
    await setEmailProvider(false)
    await h.control.reset()
    expect(await settingsEmail()).toBe(true)
  })

  it('off: each route refuses with GoTrue’s status and words, through supabase-js, and no email goes', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.control.createUser({ email: 'unconfirmed@example.com', password: PASSWORD, email_confirm: false })
    await setEmailProvider(false)
    const client = h.client({ flowType: 'pkce' })

    const recover = await client.auth.resetPasswordForEmail(EMAIL)
    expect(recover.error).toMatchObject({ status: 400, code: 'email_provider_disabled', message: 'Email logins are disabled' })
    const signIn = await client.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    expect(signIn.error).toMatchObject({ status: 422, code: 'email_provider_disabled', message: 'Email logins are disabled' })
    const signUp = await client.auth.signUp({ email: 'new@example.com', password: PASSWORD })
    expect(signUp.error).toMatchObject({ status: 400, code: 'email_provider_disabled', message: 'Email signups are disabled' })
    const otp = await client.auth.signInWithOtp({ email: EMAIL })
    expect(otp.error).toMatchObject({ status: 422, code: 'email_provider_disabled', message: 'Email logins are disabled' })
    const resend = await client.auth.resend({ type: 'signup', email: 'unconfirmed@example.com' })
    expect(resend.error).toMatchObject({ status: 400, code: 'email_provider_disabled', message: 'Email logins are disabled' })

    expect(await h.control.messages()).toHaveLength(0)
    const { data } = await h.admin().auth.admin.listUsers()
    expect(data.users.map((u) => u.email).sort()).toEqual([EMAIL, 'unconfirmed@example.com'])

    // On again, the same calls work.
    await setEmailProvider(true)
    expect((await client.auth.resetPasswordForEmail(EMAIL)).error).toBeNull()
    expect((await client.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error).toBeNull()
  })

  it('off: the switch comes before the checks GoTrue makes after it, and after the ones it makes before', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await setEmailProvider(false)
    // /recover: middleware, so before the body is read (an empty or malformed body is not looked at).
    expect(await post('/recover', {})).toMatchObject({ status: 400, code: 'email_provider_disabled' })
    // /resend: after the type and the email/phone checks, before the address is validated.
    expect(await post('/resend', { type: 'nope', email: 'not an address' })).toMatchObject({ status: 400, code: 'validation_failed' })
    expect(await post('/resend', { type: 'signup', email: 'not an address' })).toMatchObject({ status: 400, code: 'email_provider_disabled' })
    // Password grant: before the user is looked up, so a wrong password or unknown address hears the same.
    expect(await post('/token?grant_type=password', { email: 'nobody@example.com', password: 'wrong' })).toMatchObject({ status: 422, code: 'email_provider_disabled' })
    expect(await post('/token?grant_type=password', { email: EMAIL, phone: '+15555550100', password: 'x' })).toMatchObject({ status: 400, code: 'validation_failed' })
    // /signup: the password is checked first, the address after the switch.
    expect(await post('/signup', { email: 'not an address', password: '' })).toMatchObject({ status: 400, code: 'validation_failed', message: 'Signup requires a valid password' })
    expect(await post('/signup', { email: 'not an address', password: PASSWORD })).toMatchObject({ status: 400, code: 'email_provider_disabled' })
    // /otp: the address after the switch; with create_user false, shouldCreateUser first.
    expect(await post('/otp', { email: 'not an address' })).toMatchObject({ status: 422, code: 'email_provider_disabled' })
    expect(await post('/otp', { email: 'nobody@example.com', create_user: false })).toMatchObject({ status: 422, code: 'otp_disabled' })
    expect(await post('/otp', { email: EMAIL, create_user: false })).toMatchObject({ status: 422, code: 'email_provider_disabled' })
  })

  it('off: /recover charges the per-IP bucket before it refuses (the limiter is the first middleware)', async () => {
    await setEmailProvider(false)
    await h.control.setLimits({ perIp: true, burst: 1 })
    expect(await post('/recover', { email: EMAIL })).toMatchObject({ status: 400, code: 'email_provider_disabled' })
    expect(await post('/recover', { email: EMAIL })).toMatchObject({ status: 429, code: 'over_request_rate_limit' })
    await h.control.setLimits({ preset: 'cli' })
  })

  it('off: /signup and /otp check the PKCE pair before the switch, as their parameter validation does', async () => {
    await setEmailProvider(false)
    const half = { code_challenge_method: 's256' }
    expect(await post('/signup', { email: 'new@example.com', password: PASSWORD, ...half })).toMatchObject({ status: 400, code: 'validation_failed', message: 'PKCE flow requires code_challenge_method and code_challenge' })
    expect(await post('/otp', { email: 'new@example.com', ...half })).toMatchObject({ status: 400, code: 'validation_failed', message: 'PKCE flow requires code_challenge_method and code_challenge' })
  })
})

describe('/otp and the password grant, in GoTrue’s order (Otp, OtpParams.Validate, shouldCreateUser, ResourceOwnerPasswordGrant)', () => {
  it('with create_user false, an address that fails validation, or any phone, is otp_disabled, as shouldCreateUser drops the error', async () => {
    expect(await post('/otp', { email: 'not an address', create_user: false })).toMatchObject({ status: 422, code: 'otp_disabled', message: 'Signups not allowed for otp' })
    expect(await post('/otp', { phone: '+15555550100', create_user: false })).toMatchObject({ status: 422, code: 'otp_disabled' })
    expect(await post('/otp', { email: 'not an address' })).toMatchObject({ status: 400, code: 'validation_failed' })
    expect(await post('/otp', { phone: '+15555550100' })).toMatchObject({ status: 400, code: 'phone_provider_disabled', message: 'Unsupported phone provider' })
  })

  it('a bad PKCE pair or a channel with an email is refused before anything is written or sent', async () => {
    expect(await post('/otp', { email: 'new@example.com', code_challenge_method: 's256' })).toMatchObject({ status: 400, code: 'validation_failed' })
    expect(await post('/otp', { email: 'new@example.com', channel: 'sms' })).toMatchObject({ status: 400, code: 'validation_failed', message: 'Channel should only be specified with Phone OTP' })
    expect((await h.admin().auth.admin.listUsers()).data.users).toEqual([])
    expect(await h.control.messages()).toEqual([])
  })

  it('the password grant with a phone hears that phone logins are off, before any lookup', async () => {
    expect(await post('/token?grant_type=password', { phone: '+15555550100', password: 'x' })).toMatchObject({ status: 422, code: 'phone_provider_disabled', message: 'Phone logins are disabled' })
    expect(await post('/token?grant_type=password', { password: 'x' })).toMatchObject({ status: 400, code: 'validation_failed', message: 'missing email or phone' })
  })
})

describe('the emailProviderEnabled option', () => {
  const off = useLocalAuth({ emailProviderEnabled: false })
  it('starts the stand-in with the provider off, and reset keeps it off', async () => {
    expect(await settingsEmail(off)).toBe(false)
    await off.control.reset()
    expect(await settingsEmail(off)).toBe(false)
    expect((await off.client().auth.resetPasswordForEmail(EMAIL)).error).toMatchObject({ code: 'email_provider_disabled' })
  })
})
