/**
 * Secure (double-confirmation) email change, the details beyond email-types.integration.test.ts: who is
 * checked and mailed, what each step burns and keeps, the exact redirects, PKCE codes, resend and
 * autoconfirm, each as GoTrue (bc32168e) does it. From a review of 98c4c2f (/work/notes/f2-review.md).
 */
import { describe, expect, it } from 'vitest'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../management'
import { decodeJwt, PASSWORD, REDIRECT_TO, tokenHashOf, useLocalAuth } from './helpers'

const EMAIL = 'current@team.dev'
const NEW = 'moved@team.dev'
const MESSAGE = 'Confirmation+link+accepted.+Please+proceed+to+confirm+link+sent+to+the+other+email'

const h = useLocalAuth()

async function signedIn(harness = h) {
  await harness.control.createUser({ email: EMAIL, password: PASSWORD })
  const client = harness.client()
  expect((await client.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error).toBeNull()
  return client
}
const verifyHash = (hash: string) => h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'email_change', token_hash: hash }) })
const verifyCode = (email: string, token: string) => h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'email_change', email, token }) })
const currentEmail = async () => (await h.admin().auth.admin.listUsers()).data.users[0]?.email

describe('who is checked before anything is written', () => {
  const restricted = useLocalAuth({ authorizedAddresses: [NEW] })
  it('an unauthorized current address refuses the change (it would be mailed too), and a password sent with it is not saved', async () => {
    const client = await signedIn(restricted)
    const token = (await client.auth.getSession()).data.session?.access_token
    const res = await restricted.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ email: NEW, password: 'a new password 42' }) })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'email_address_not_authorized', message: `Email address "${EMAIL}" cannot be used as it is not authorized` })
    expect(await restricted.control.messages()).toEqual([])
    expect((await restricted.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error).toBeNull()
  })

  const validating = useLocalAuth({ emailValidation: true })
  it('an address the mail validation refuses: 400 quoting the current address (GoTrue quotes the account’s), the budget spent, nothing saved', async () => {
    await validating.control.createUser({ email: 'someone@example.com', password: PASSWORD })
    const client = validating.client()
    await client.auth.signInWithPassword({ email: 'someone@example.com', password: PASSWORD })
    const before = (await validating.control.limits()).emails_this_hour
    const token = (await client.auth.getSession()).data.session?.access_token
    const res = await validating.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify({ email: NEW, password: 'a new password 42' }) })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ code: 'email_address_invalid', message: 'Email address "someone@example.com" is invalid' })
    expect((await validating.control.limits()).emails_this_hour).toBe(before + 1)
    expect((await validating.client().auth.signInWithPassword({ email: 'someone@example.com', password: PASSWORD })).error).toBeNull()
  })
})

describe('the validation message and the budget', () => {
  const validating = useLocalAuth({ emailValidation: true })
  it('an invalid new address is refused quoting the account’s current address, as GoTrue words it [mail.go:767-770, 924-927]', async () => {
    await validating.control.createUser({ email: 'owner@team.dev', password: PASSWORD })
    const client = validating.client()
    await client.auth.signInWithPassword({ email: 'owner@team.dev', password: PASSWORD })
    expect((await client.auth.updateUser({ email: 'x@example.com' })).error).toMatchObject({ code: 'email_address_invalid', message: 'Email address "owner@team.dev" is invalid' })
  })

  it('a change is one email against the hourly budget, though two are sent', async () => {
    await h.control.setLimits({ emailsPerHour: 2 })
    await (await signedIn()).auth.updateUser({ email: NEW })
    expect((await h.control.limits()).emails_this_hour).toBe(1)
    expect(await h.control.messages()).toHaveLength(2)
  })

  it('a password sent with the change clears the 60 s gap first, as UpdatePassword does [models/user.go:443]', async () => {
    const client = await signedIn()
    await client.auth.updateUser({ email: NEW })
    expect((await client.auth.updateUser({ email: 'other@team.dev' })).error?.code).toBe('over_email_send_rate_limit')
    expect((await client.auth.updateUser({ email: 'other@team.dev', password: 'a new password 42' })).error).toBeNull()
  })

  it('{{ .SendingTo }} exists only in email-change emails', async () => {
    await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mailer_templates_recovery_content: '<p>to [{{ .SendingTo }}]</p>' }),
    })
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    await h.client().auth.resetPasswordForEmail(EMAIL)
    expect((await h.control.latestMessageTo(EMAIL)).HTML).toContain('to []')
  })
})

describe('PKCE parameters on PUT /user (DIVERGENCES F-6)', () => {
  const put = async (body: Record<string, unknown>) => {
    const token = (await (await signedIn()).auth.getSession()).data.session?.access_token
    return h.api('/user', { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
  }
  const links = async () => (await Promise.all((await h.control.messages()).map(async (m) => tokenHashOf(await h.control.message(m.ID))))).sort()

  it('are not validated: any non-empty challenge makes the change PKCE [user.go:264-270]', async () => {
    expect((await put({ email: NEW, code_challenge: 'short', code_challenge_method: 'S256' })).status).toBe(200)
    expect(await links()).toEqual([expect.stringMatching(/^pkce_/), expect.stringMatching(/^pkce_/)])
  })

  it('a method without a challenge is ignored: the change is implicit', async () => {
    expect((await put({ email: NEW, code_challenge_method: 's256' })).status).toBe(200)
    expect(await links()).toEqual([expect.not.stringMatching(/^pkce_/), expect.not.stringMatching(/^pkce_/)])
  })

  it('a challenge with a missing or unknown method is GoTrue’s 500, and nothing of the request is saved [flow_state.go:69-77,119-129]', async () => {
    for (const method of [undefined, 'S512']) {
      await h.control.reset()
      const res = await put({ email: NEW, password: 'a new password 42', code_challenge: 'x'.repeat(43), ...(method ? { code_challenge_method: method } : {}) })
      expect(res.status).toBe(500)
      expect(await res.json()).toMatchObject({ code: 'unexpected_failure' })
      expect(await h.control.messages()).toEqual([])
      expect((await h.client().auth.signInWithPassword({ email: EMAIL, password: PASSWORD })).error).toBeNull()
    }
  })
})

describe('the two emails', () => {
  it('{{ .SendingTo }} is each copy’s own recipient, the same template going to both', async () => {
    await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mailer_templates_email_change_content: '<p>to {{ .SendingTo }}: {{ .Email }} → {{ .NewEmail }}</p>' }),
    })
    await (await signedIn()).auth.updateUser({ email: NEW })
    expect((await h.control.latestMessageTo(NEW)).HTML).toContain(`to ${NEW}: ${EMAIL} → ${NEW}`)
    expect((await h.control.latestMessageTo(EMAIL)).HTML).toContain(`to ${EMAIL}: ${EMAIL} → ${NEW}`)
  })

  it('the first link keeps the user’s other tokens: a reset link asked for before still works', async () => {
    const client = await signedIn()
    await h.client().auth.resetPasswordForEmail(EMAIL)
    const recovery = tokenHashOf(await h.control.latestMessageTo(EMAIL))
    await h.control.advanceClock(61)
    await client.auth.updateUser({ email: NEW })
    expect((await verifyHash(tokenHashOf(await h.control.latestMessageTo(NEW)))).status).toBe(200)
    expect((await h.client().auth.verifyOtp({ type: 'recovery', token_hash: recovery })).error).toBeNull()
  })

  it('a resend (or a new change) after one link starts over: one new link alone is again only the first of two', async () => {
    const client = await signedIn()
    await client.auth.updateUser({ email: NEW })
    expect((await verifyHash(tokenHashOf(await h.control.latestMessageTo(NEW)))).status).toBe(200)
    await h.control.advanceClock(61)
    expect((await h.api('/resend', { method: 'POST', body: JSON.stringify({ type: 'email_change', email: EMAIL }) })).status).toBe(200)
    expect(await (await verifyHash(tokenHashOf(await h.control.latestMessageTo(NEW)))).json()).toMatchObject({ code: '200' })
    expect(await currentEmail()).toBe(EMAIL)
  })

  it('completing keeps email_change_sent_at, so a new change within 60 s is refused', async () => {
    const minted = await h.control.mintToken({ email: (await h.control.createUser({ email: EMAIL, password: PASSWORD })).email, type: 'email_change', new_email: NEW })
    await verifyHash(minted.current_token_hash ?? '')
    expect((await verifyHash(minted.token_hash)).status).toBe(200)
    const client = h.client()
    await client.auth.signInWithPassword({ email: NEW, password: PASSWORD })
    expect((await client.auth.updateUser({ email: 'third@team.dev' })).error?.code).toBe('over_email_send_rate_limit')
  })
})

describe('the steps', () => {
  it('GET /verify, implicit: the first of two re-encodes the redirect query, with the message in the fragment only', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'email_change', new_email: NEW, redirect_to: `${REDIRECT_TO}?next=/settings` })
    const res = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.token_hash}&type=email_change&redirect_to=${encodeURIComponent(`${REDIRECT_TO}?next=/settings`)}`, { redirect: 'manual' })
    expect(res.headers.get('location')).toBe(`${REDIRECT_TO}?next=%2Fsettings#message=${MESSAGE}&sb=`)
  })

  it('PKCE: after the second link the code exchanges for a session whose AMR is email_change', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'email_change', new_email: NEW, pkce: true, redirect_to: REDIRECT_TO })
    await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.current_token_hash}&type=email_change&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const second = await fetch(`${h.auth.url}/auth/v1/verify?token=${minted.token_hash}&type=email_change&redirect_to=${encodeURIComponent(REDIRECT_TO)}`, { redirect: 'manual' })
    const code = new URL(second.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const res = await h.api('/token?grant_type=pkce', { method: 'POST', body: JSON.stringify({ auth_code: code, code_verifier: minted.code_verifier }) })
    const session = (await res.json()) as { access_token: string; user: { email: string } }
    expect(session.user.email).toBe(NEW)
    expect(decodeJwt(session.access_token).payload.amr).toEqual([expect.objectContaining({ method: 'email_change' })])
  })

  it('PKCE, first step by email and code: the code is hashed without the prefix, so it stays usable and the same code twice completes the change (as GoTrue)', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'email_change', new_email: NEW, pkce: true })
    expect(await (await verifyCode(NEW, minted.token)).json()).toMatchObject({ code: '200' })
    expect(await currentEmail()).toBe(EMAIL)
    expect((await verifyCode(NEW, minted.token)).status).toBe(200)
    expect(await currentEmail()).toBe(NEW)
  })

  it('secure change switched off mid-change: the current address’s code no longer counts (its link still does)', async () => {
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const minted = await h.control.mintToken({ email: EMAIL, type: 'email_change', new_email: NEW })
    await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mailer_secure_email_change_enabled: false }),
    })
    const res = await verifyCode(EMAIL, minted.current_token ?? '')
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ code: 'otp_expired', message: 'Token has expired or is invalid' })
  })
})

describe('with autoconfirm', () => {
  const auto = useLocalAuth({ autoconfirm: true })
  it('both addresses are still mailed, and either link alone completes the change', async () => {
    const minted = await auto.control.mintToken({ email: (await auto.control.createUser({ email: EMAIL, password: PASSWORD })).email, type: 'email_change', new_email: NEW })
    expect(minted.current_message_id).toBeDefined()
    const res = await auto.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'email_change', token_hash: minted.current_token_hash }) })
    expect(((await res.json()) as { user?: { email?: string } }).user?.email).toBe(NEW)
  })
})
