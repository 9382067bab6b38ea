/**
 * The password policy a hosted project can switch on in the dashboard, as GoTrue applies it
 * (DIVERGENCES F-3): required character sets and leaked-password protection on every new password
 * (PUT /user, /signup; on sign-in only as `weak_password` beside the session), and the two guards on a
 * password change (reauthentication after 24 h, the current password outside a recovery session).
 * Each is set through the Management API, as `npm run supabase:configure` or the dashboard would.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { localPwnedControl } from '../../local-pwned/client'
import { sha1Hex, startLocalPwned, type LocalPwned } from '../../local-pwned/index'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../management'
import type { LocalAuthOptions } from '../options'
import { decodeRequiredCharacters, encodeRequiredCharacters, REQUIRED_CHARACTER_CHOICES } from '../password'
import { PASSWORD, REDIRECT_TO, tokenHashOf, useLocalAuth } from './helpers'

let pwned: LocalPwned
// The range API is the local range server (GoTrue's is api.pwnedpasswords.com). Hooks run in the order
// they are registered, so the server is up before useLocalAuth starts the stand-in with its URL.
const options: LocalAuthOptions = { passwordMinLength: 8 }
beforeAll(async () => {
  pwned = await startLocalPwned()
  options.pwnedPasswordsUrl = pwned.url
})
afterAll(async () => {
  await pwned?.stop()
})
const pwnedControl = () => localPwnedControl(pwned.url)

const h = useLocalAuth(options)
const EMAIL = 'policy@example.com'
const [, LETTERS_DIGITS, LOWER_UPPER_DIGITS, WITH_SYMBOLS] = REQUIRED_CHARACTER_CHOICES as [string, string, string, string]

beforeEach(async () => {
  await pwnedControl().reset()
})

async function patch(body: Record<string, unknown>, harness = h) {
  const res = await fetch(`${harness.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function signedIn(password = PASSWORD, harness = h) {
  await harness.control.createUser({ email: EMAIL, password })
  const client = harness.client()
  const { error } = await client.auth.signInWithPassword({ email: EMAIL, password })
  expect(error).toBeNull()
  return client
}

describe('decodeRequiredCharacters (GoTrue PasswordRequiredCharacters.Decode)', () => {
  it('splits on colons, keeps an escaped colon inside its set, drops empty sets, and encodes back', () => {
    expect(decodeRequiredCharacters(LETTERS_DIGITS)).toEqual(['abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'])
    expect(decodeRequiredCharacters(LOWER_UPPER_DIGITS)).toHaveLength(3)
    const symbols = decodeRequiredCharacters(WITH_SYMBOLS)
    expect(symbols).toHaveLength(4)
    expect(symbols[3]).toBe('!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~')
    expect(decodeRequiredCharacters('')).toEqual([])
    expect(decodeRequiredCharacters('::a::b:')).toEqual(['a', 'b'])
    // A join does not chain, and a trailing backslash stays (configuration.go:264-289).
    expect(decodeRequiredCharacters('a\\:b\\:c')).toEqual(['a:b\\', 'c'])
    expect(decodeRequiredCharacters('a\\')).toEqual(['a\\'])
    for (const choice of REQUIRED_CHARACTER_CHOICES) expect(encodeRequiredCharacters(decodeRequiredCharacters(choice))).toBe(choice)
  })
})

describe('required characters', () => {
  it('the Management API takes only the dashboard choices, and GET reads back what is set', async () => {
    expect((await patch({ password_required_characters: 'abc' })).status).toBe(400)
    expect((await patch({ password_required_characters: WITH_SYMBOLS })).status).toBe(200)
    const got = (await (await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, { headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}` } })).json()) as Record<string, unknown>
    expect(got.password_required_characters).toBe(WITH_SYMBOLS)
    expect(got).toMatchObject({ password_hibp_enabled: false, security_update_password_require_reauthentication: false, security_update_password_require_current_password: false })
    // null changes nothing, as for password_min_length.
    await patch({ password_hibp_enabled: true })
    expect((await patch({ password_hibp_enabled: null, password_required_characters: null })).status).toBe(200)
    const after = (await (await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, { headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}` } })).json()) as Record<string, unknown>
    expect(after).toMatchObject({ password_hibp_enabled: true, password_required_characters: WITH_SYMBOLS })
  })

  it('PUT /user: a password missing a set is 422 weak_password [characters], with every set named; one of each passes', async () => {
    expect((await patch({ password_required_characters: LOWER_UPPER_DIGITS })).status).toBe(200)
    const client = await signedIn()
    const res = await h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${(await client.auth.getSession()).data.session?.access_token}` }, body: JSON.stringify({ password: 'lowercase only 42' }) })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({
      code: 'weak_password',
      message: 'Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.',
      weak_password: { reasons: ['characters'] },
    })
    expect((await client.auth.updateUser({ password: 'Mixed case 42' })).error).toBeNull()
  })

  it('reasons add up in GoTrue order, messages joined by a space', async () => {
    await patch({ password_required_characters: LETTERS_DIGITS })
    const res = await h.client().auth.signUp({ email: EMAIL, password: 'short' })
    expect(res.error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length', 'characters'] })
    expect(res.error?.message).toBe(
      'Password should be at least 8 characters. Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.',
    )
  })

  it('all three reasons at once, in order, one sentence each', async () => {
    await patch({ password_required_characters: LOWER_UPPER_DIGITS, password_hibp_enabled: true })
    await pwnedControl().addPassword('leaked', 3)
    const res = await h.client().auth.signUp({ email: EMAIL, password: 'leaked' })
    expect(res.error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length', 'characters', 'pwned'] })
    expect(res.error?.message).toBe(
      'Password should be at least 8 characters. Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789. Password is known to be weak and easy to guess, please choose a different one.',
    )
  })

  it('sign-in with a stored password the new policy refuses still signs in, with weakPassword', async () => {
    await h.control.createUser({ email: EMAIL, password: 'no digits here' })
    await patch({ password_required_characters: LETTERS_DIGITS })
    const res = await h.client().auth.signInWithPassword({ email: EMAIL, password: 'no digits here' })
    expect(res.error).toBeNull()
    expect(res.data.weakPassword).toMatchObject({ reasons: ['characters'] })
  })
})

describe('leaked-password protection (HIBP)', () => {
  it('a breached password is 422 weak_password [pwned]; the range request carries only the prefix and GoTrue’s User-Agent', async () => {
    expect((await patch({ password_hibp_enabled: true })).status).toBe(200)
    const client = await signedIn()
    // Signing in checks the password too, since it may only be weak under today's policy [token.go:129-137].
    expect((await pwnedControl().requests()).map((r) => r.path)).toEqual([`/range/${sha1Hex(PASSWORD).slice(0, 5)}`])
    await pwnedControl().clearRequests()
    const res = await client.auth.updateUser({ password: 'password123' })
    expect(res.error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['pwned'], message: 'Password is known to be weak and easy to guess, please choose a different one.' })
    const [request] = await pwnedControl().requests()
    expect(request?.path).toBe(`/range/${sha1Hex('password123').slice(0, 5)}`)
    expect(request?.headers['user-agent']).toBe('https://github.com/supabase/gotrue')
    expect(request?.headers['add-padding']).toBeUndefined()
    expect((await client.auth.updateUser({ password: 'not in any breach 42' })).error).toBeNull()
  })

  it('sign-in checks before it refuses an unconfirmed address, as GoTrue orders it', async () => {
    expect((await patch({ password_hibp_enabled: true })).status).toBe(200)
    await h.control.createUser({ email: EMAIL, password: PASSWORD, email_confirm: false })
    expect((await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error?.code).toBe('email_not_confirmed')
    expect(await pwnedControl().requests()).toHaveLength(1)
  })

  it('a count of 0 (padding) is no hit', async () => {
    expect((await patch({ password_hibp_enabled: true })).status).toBe(200)
    await pwnedControl().addPassword('padded but never leaked', 0)
    const client = await signedIn()
    expect((await client.auth.updateUser({ password: 'padded but never leaked' })).error).toBeNull()
  })

  it('a range API that fails allows the password (logged)', async () => {
    await patch({ password_hibp_enabled: true })
    const client = await signedIn()
    await pwnedControl().clearRequests()
    await pwnedControl().injectFault({ mode: 'fail', status: 503 })
    expect((await client.auth.updateUser({ password: 'password123' })).error).toBeNull()
    expect(await pwnedControl().requests()).toHaveLength(1) // it was asked, and its failure let the password through
  })

  it('a count written 00 is a hit: only a single 0 is padding', async () => {
    await patch({ password_hibp_enabled: true })
    const client = await signedIn()
    const hex = sha1Hex('zero zero count 42')
    await pwnedControl().injectFault({ mode: 'garble', body: `${hex.slice(5)}:00\r\n` })
    expect((await client.auth.updateUser({ password: 'zero zero count 42' })).error).toMatchObject({ code: 'weak_password', reasons: ['pwned'] })
  })

  describe('fail-closed (GOTRUE_PASSWORD_HIBP_FAIL_CLOSED, not in the Management API)', () => {
    const closed = useLocalAuth({ get pwnedPasswordsUrl() { return pwned.url }, passwordHibpEnabled: true, passwordHibpFailClosed: true })
    it('a range API that fails is a 500 and the password stays', async () => {
      const client = await signedIn(PASSWORD, closed)
      await pwnedControl().injectFault({ mode: 'fail', status: 503 })
      const res = await closed.api('/user', {
        method: 'PUT',
        headers: { Authorization: `Bearer ${(await client.auth.getSession()).data.session?.access_token}` },
        body: JSON.stringify({ password: 'whatever 42 else' }),
      })
      expect(res.status).toBe(500)
      expect(await res.json()).toEqual({ code: 'unexpected_failure', message: 'Unable to perform password strength check with HaveIBeenPwned.org.' })
      expect((await closed.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error).toBeNull()
    })
    it('signing in while it fails still signs in: only a weak_password result counts there', async () => {
      await closed.control.createUser({ email: EMAIL, password: PASSWORD })
      await pwnedControl().injectFault({ mode: 'fail', status: 503 })
      const res = await closed.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
      expect(res.error).toBeNull()
      expect(res.data.weakPassword ?? null).toBeNull()
      expect(await pwnedControl().requests()).toHaveLength(1)
      // On the wire too (supabase-js drops a weak_password without reasons, so it cannot tell).
      await pwnedControl().injectFault({ mode: 'fail', status: 503 })
      const raw = (await (await closed.api('/token?grant_type=password', { method: 'POST', body: JSON.stringify({ email: EMAIL, password: PASSWORD }) })).json()) as Record<string, unknown>
      expect(raw.access_token).toBeTruthy()
      expect(raw).not.toHaveProperty('weak_password')
    })
  })

  it('off (the default): no range request at all', async () => {
    const client = await signedIn()
    expect((await client.auth.updateUser({ password: 'password123' })).error).toBeNull()
    expect(await pwnedControl().requests()).toEqual([])
  })
})

describe('password-change guards', () => {
  it('require current password: 400 current_password_required, then current_password_invalid, then accepted', async () => {
    await patch({ security_update_password_require_current_password: true })
    const client = await signedIn()
    const token = (await client.auth.getSession()).data.session?.access_token
    const put = (body: Record<string, unknown>) => h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
    const missing = await put({ password: 'a new one 42' })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ code: 'current_password_required', message: 'Current password required when setting new password.' })
    const wrong = await put({ password: 'a new one 42', current_password: 'not it' })
    expect(wrong.status).toBe(400)
    expect((await wrong.json()).code).toBe('current_password_invalid')
    expect((await put({ password: 'a new one 42', current_password: PASSWORD })).status).toBe(200)
  })

  it('the order of refusals: weak password, then reauthentication, then current password, then same password', async () => {
    await patch({ security_update_password_require_current_password: true, security_update_password_require_reauthentication: true })
    const client = await signedIn()
    let token = (await client.auth.getSession()).data.session?.access_token
    const put = async (body: Record<string, unknown>) => (await (await h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).json()).code
    expect(await put({ password: PASSWORD })).toBe('current_password_required') // not same_password
    expect(await put({ password: PASSWORD, current_password: PASSWORD })).toBe('same_password')
    await h.control.advanceClock(24 * 3600 + 1)
    token = (await client.auth.refreshSession()).data.session?.access_token // the same (now old) session
    expect(await put({ password: 'short' })).toBe('weak_password')
    expect(await put({ password: 'long enough 42' })).toBe('reauthentication_needed') // before current_password_required
  })

  it('require current password: a PKCE recovery session (amr recovery) is exempt too', async () => {
    await patch({ security_update_password_require_current_password: true })
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client({ flowType: 'pkce' })
    await browser.auth.resetPasswordForEmail(EMAIL, { redirectTo: REDIRECT_TO })
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    const click = await fetch(`${h.auth.url}/auth/v1/verify?token=${hash}&type=recovery&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const code = new URL(click.headers.get('location') ?? '').searchParams.get('code') ?? ''
    expect((await browser.auth.exchangeCodeForSession(code)).error).toBeNull()
    expect((await browser.auth.updateUser({ password: 'reset by pkce 42' })).error).toBeNull()
  })

  it('require current password: a recovery session is exempt (the reset flow keeps working)', async () => {
    await patch({ security_update_password_require_current_password: true, security_update_password_require_reauthentication: true })
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const browser = h.client()
    expect((await browser.auth.resetPasswordForEmail(EMAIL)).error).toBeNull()
    const hash = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    expect((await browser.auth.verifyOtp({ type: 'recovery', token_hash: hash })).error).toBeNull()
    expect((await browser.auth.updateUser({ password: 'reset without the old 42' })).error).toBeNull()
  })

  it('require reauthentication: a session over 24 h old is 400 reauthentication_needed; any nonce is not valid here', async () => {
    await patch({ security_update_password_require_reauthentication: true })
    const client = await signedIn()
    // A fresh session changes the password without a nonce.
    expect((await client.auth.updateUser({ password: 'changed while fresh 1' })).error).toBeNull()
    await h.control.advanceClock(24 * 3600 + 1)
    const { data } = await client.auth.refreshSession() // a new access token, the same (old) session
    const put = (body: Record<string, unknown>) => h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${data.session?.access_token}` }, body: JSON.stringify(body) })
    const stale = await put({ password: 'changed when stale 2' })
    expect(stale.status).toBe(400)
    expect(await stale.json()).toEqual({ code: 'reauthentication_needed', message: 'Password update requires reauthentication' })
    const nonce = await put({ password: 'changed when stale 2', nonce: '123456' })
    expect(nonce.status).toBe(422)
    expect(await nonce.json()).toEqual({ code: 'reauthentication_not_valid', message: 'Nonce has expired or is invalid' })
    // Metadata alone needs nothing.
    expect((await put({ data: { theme: 'dark' } })).status).toBe(200)
  })
})
