/**
 * The new-password page: who may see it, how each mistake is explained, and Supabase's own
 * refusals (weak_password, same_password, session_not_found) as clear messages on the form.
 */
import { createClient } from '@supabase/supabase-js'
import { describe, expect, it, vi } from 'vitest'
import { inject } from 'vitest'
import { Browser, parseForms } from './browser'
import { withLimiters } from './deployment'
import { control, newUser, reachUpdateForm, recoveryEmail, signInWith, submitNewPassword } from './flow'

describe('who may set a new password', () => {
  it('sends a visitor without a session to ask for a link', async () => {
    const res = await new Browser().get('/account/update-password')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/forgot-password?reason=session_missing')
    const page = await new Browser().follow(res)
    expect(await page.text()).toContain('Your reset session has ended. Ask for a new link below.')
  })

  it('refuses a session that came from a password sign-in (shared computer)', async () => {
    const user = await newUser()
    const browser = new Browser()
    // Someone signed in normally; the session cookie is shared with this subdomain.
    const client = createClient(inject('authUrl'), inject('anonKey'), { auth: { persistSession: false } })
    const { data } = await client.auth.signInWithPassword(user)
    const cookieValue = `base64-${btoa(JSON.stringify(data.session)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
    browser.jar.set('sb-127-auth-token', cookieValue)
    const res = await browser.get('/account/update-password')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/forgot-password?reason=recovery_required')
    const forgot = await (await browser.follow(res)).text()
    expect(forgot).toContain('To set a new password, you need a link from us: ask for one below, then open it.')
    // The form starts with the address of the account this browser is signed in to.
    expect(parseForms(forgot)[0]?.fields.email).toBe(user.email)
    // And a POST cannot go around it.
    const post = await browser.post('/account/update-password', {
      csrf_token: browser.jar.get('__Host-auth-csrf') ?? '',
      password: 'a brand new password',
      password_confirm: 'a brand new password',
    })
    expect(post.status).toBe(303)
    expect((await signInWith(user.email, 'a brand new password')).error?.code).toBe('invalid_credentials')
  })

  it('refuses a recovery session older than RECOVERY_MAX_AGE_SECONDS', async () => {
    const user = await newUser()
    const browser = new Browser()
    // The recovery session was made 20 minutes ago (the stand-in's clock is moved back meanwhile).
    await control().advanceClock(-20 * 60)
    try {
      expect((await reachUpdateForm(browser, user)).status).toBe(303)
    } finally {
      await control().advanceClock(20 * 60)
    }
    const res = await browser.get('/account/update-password')
    // The link was opened, just too long ago: "ask for a new link", not "you need a link from us".
    expect(res.headers.get('location')).toBe('/account/forgot-password?reason=recovery_expired')
    const page = await (await browser.follow(res)).text()
    expect(page).toContain('Your reset session has ended. Ask for a new link below.')
    expect(page).not.toContain('you need a link from us')
    // A form left open too long: the new link is one press away, for the same address.
    expect(parseForms(page)[0]?.fields.email).toBe(user.email)
    const { link: firstLink } = await recoveryEmail(user.email)
    const sent = await browser.submit(page)
    expect(sent.status).toBe(200)
    expect(await sent.text()).toContain('Check your email')
    await vi.waitFor(async () => expect((await recoveryEmail(user.email)).link).not.toBe(firstLink), { timeout: 5000 })
  })
})

describe('the form, for password managers and assistive technology', () => {
  it('names the account in a hidden username field, asks twice for a new password with its limits, and focuses the first', async () => {
    const user = await newUser()
    const html = await (await reachUpdateForm(new Browser(), user)).text()
    expect(html).toContain(`<input type="email" name="username" autocomplete="username" value="${user.email}" hidden="" readonly=""/>`)
    const input = (name: string) => new RegExp(`<input id="f-${name}"[^>]*/>`).exec(html)?.[0] ?? ''
    for (const name of ['password', 'password_confirm']) {
      expect(input(name), name).toContain('type="password"')
      expect(input(name), name).toContain('autocomplete="new-password"')
      expect(input(name), name).toContain('required=""')
      expect(input(name), name).toContain('minlength="8"')
      expect(input(name), name).toContain('maxlength="72"')
    }
    expect(html.match(/autofocus/g)).toHaveLength(1)
    expect(input('password')).toContain('autofocus=""')
  })
})

describe('`next` on the form', () => {
  it('carries a `next` on to the POST, but not one over 2,048 characters (refused whatever it says)', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const kept = await (await browser.get('/account/update-password?next=/welcome')).text()
    expect(kept).toContain('<input type="hidden" name="next" value="/welcome"/>')
    const res = await browser.get(`/account/update-password?next=/${'a'.repeat(15_000)}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Choose a new password')
    expect(html).not.toContain('name="next"')
    expect(html).not.toContain('a'.repeat(100))
  })
})

describe('the 72-byte cap in other scripts', () => {
  it('a 25-character Japanese passphrase (75 bytes) is told about bytes, in Japanese, not "at most 72 characters"', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const form = await (await browser.get('/account/update-password?lang=ja')).text()
    const passphrase = 'あおいそらとしろいくも'.repeat(2) + 'やまの' // 25 characters, 75 bytes
    const res = await browser.submit(form, { password: passphrase, password_confirm: passphrase })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('上限は72バイトです')
    expect(html).not.toContain('72文字以下')
  })
})

describe('mistakes on the form', () => {
  it.each([
    // Both fields come back empty, so the first one says what to do with both.
    ['passwords that do not match', 'first password here', 'second password here', 'password', 'The passwords did not match. Enter your new password in both fields.'],
    ['a password shorter than the minimum', 'short', 'short', 'password', 'Use at least 8 characters.'],
    ['a password over 72 bytes', 'é'.repeat(40), 'é'.repeat(40), 'password', 'Use a shorter password: at most 72 bytes (accented letters, emoji and non-Latin scripts take 2 to 4 bytes each).'],
  ])('%s → 400 with the message tied to its field', async (_name, password, confirm, field, message) => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const res = await submitNewPassword(browser, password, confirm)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain(`id="f-${field}-error">${message.replace(/'/g, '&#39;')}</p>`)
    expect(html).toMatch(new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`))
    expect(html).not.toContain(password) // passwords are never echoed back
    // Typing starts again in the first field, which both cases leave empty.
    expect(html).toMatch(/id="f-password"[^>]*\bautofocus\b/)
    expect(html).not.toMatch(/id="f-password_confirm"[^>]*\bautofocus\b/)
  })

  it("shows Supabase's weak_password reasons", async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    // 9 characters: enough for the Worker (8), too short for this Supabase project (10).
    const res = await submitNewPassword(browser, 'ninechars')
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose another password: it is too short.')
  })

  it('the current password (same_password): says it already is, with the way on and the form for another', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const res = await submitNewPassword(browser, user.password)
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('That is already your password')
    // Continuing is one click (to SITE_URL, as after a change); choosing another is the form below.
    expect(html).toContain('<a href="https://www.example.com/">Continue</a>')
    expect(parseForms(html).some((form) => form.action === '/account/update-password')).toBe(true)
    expect((await submitNewPassword(browser, 'a different password 42')).status).toBe(200)
    expect((await signInWith(user.email, 'a different password 42')).error).toBeNull()
  })

  it('a save whose answer was lost, sent again: the password is already the new one, and Continue keeps the checked next', async () => {
    // Supabase changed the password but the answer never arrived (a timeout after the commit); the
    // person presses Save again with the same password.
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const form = await (await browser.get('/account/update-password?next=/settings')).text()
    const fields = { password: 'saved a moment ago 7', password_confirm: 'saved a moment ago 7' }
    expect((await browser.submit(form, fields)).status).toBe(200) // the answer this person never saw
    const again = await browser.submit(form, fields)
    expect(again.status).toBe(422)
    const html = await again.text()
    expect(html).toContain('If you saved it a moment ago and saw no answer, it went through.')
    expect(html).toContain('<a href="/settings">Continue</a>')
  })

  it.each([
    ['a typing mistake', 'mismatch one', 'mismatch two', 400],
    ['a password known from breaches', 'password123', 'password123', 422],
  ])('keeps next through %s, so the success page still continues there', async (_name, password, confirm, status) => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/update-password?next=https://app.example.com/settings')
    const refused = await browser.submit(await page.text(), { password, password_confirm: confirm })
    expect(refused.status).toBe(status)
    const done = await browser.submit(await refused.text(), { password: 'a fine new password 7', password_confirm: 'a fine new password 7' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('href="https://app.example.com/settings"')
  })

  it('explains a session ended elsewhere (session_not_found)', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    // The person signs out everywhere from another device before submitting.
    const other = await signInWith(user.email, user.password)
    const client = createClient(inject('authUrl'), inject('anonKey'), { auth: { persistSession: false } })
    await client.auth.setSession({
      access_token: other.data.session?.access_token ?? '',
      refresh_token: other.data.session?.refresh_token ?? '',
    })
    await client.auth.signOut({ scope: 'global' })
    const res = await submitNewPassword(browser, 'a perfectly fine password')
    // 403, not 401: a 401 must carry a WWW-Authenticate challenge (RFC 9110 §15.5.2), which a cookie session has none of.
    expect(res.status).toBe(403)
    expect(res.headers.has('www-authenticate')).toBe(false)
    expect(await res.text()).toContain('Your reset session has ended')
  })

  it.each([
    ['is down', { status: 503, body: 'unavailable' }, 502, 'The sign-in service is having trouble'],
    ['is too slow', { delay_ms: 4000 }, 504, 'The sign-in service is taking too long'],
  ])('says so when Supabase %s, on the form, and saving again works', async (_name, fault, status, text) => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/update-password')
    await control().injectFault({ path: '/auth/v1/user', method: 'PUT', ...fault })
    const res = await browser.submit(await page.text(), { password: 'a new password 123', password_confirm: 'a new password 123' })
    expect(res.status).toBe(status)
    const html = await res.text()
    expect(html).toContain(text)
    expect(html).toContain('role="alert"')
    expect(html).not.toContain('a new password 123') // typed again, never shown back
    if (status === 502) expect((await signInWith(user.email, user.password)).error).toBeNull() // nothing changed
    // The session is still good: the same form, saved again, changes the password.
    const saved = await browser.submit(html, { password: 'a new password 123', password_confirm: 'a new password 123' })
    expect(saved.status).toBe(200)
    expect((await signInWith(user.email, 'a new password 123')).error).toBeNull()
  })

  it('an account with two-factor sign-in (insufficient_aal): says where to finish, with the way to the site, and nothing changes', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    // What Supabase answers a password change from an aal1 session of a user with MFA (supabase/auth
    // internal/api/user.go:106-108), in the initial API version's shape (apierrors/apierrors.go:48-51).
    const body = { code: 401, error_code: 'insufficient_aal', msg: 'AAL2 session is required to update email or password when MFA is enabled.' }
    const fault = { status: 401, body }
    await control().injectFault({ path: '/auth/v1/user', method: 'PUT', ...fault })
    const res = await submitNewPassword(browser, 'a new password 123')
    expect(res.status).toBe(403)
    const html = await res.text()
    expect(html).toContain('Two-factor verification needed. Sign in with your second factor on the main site and change your password there.')
    expect(html).toMatch(/<a href="https:\/\/www\.example\.com\/">Back to the site<\/a>/)
    expect(html).not.toContain('AAL2')
    expect((await signInWith(user.email, user.password)).error).toBeNull()
  })

  it('an account deleted while its reset was open (user_not_found): the account-unavailable page (403), not an error', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/update-password')
    // An administrator deletes the account from the dashboard meanwhile; the session's JWT still verifies.
    const id = (await signInWith(user.email, user.password)).data.user?.id ?? ''
    const admin = createClient(inject('authUrl'), inject('serviceRoleKey'), { auth: { persistSession: false, autoRefreshToken: false } })
    expect((await admin.auth.admin.deleteUser(id)).error).toBeNull()
    const res = await browser.submit(await page.text(), { password: 'a new password 123', password_confirm: 'a new password 123' })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('This account cannot be used right now')
  })

  it('POSTed with next=/account/update-password (the form itself), Continue goes to the site, not back to the form', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/update-password')
    const done = await browser.submit(await page.text(), { password: 'a new password 456', password_confirm: 'a new password 456', next: '/account/update-password' })
    expect(done.status).toBe(200)
    const html = await done.text()
    expect(html).toContain('<a class="button" href="https://www.example.com/">Continue</a>')
    expect(html).not.toContain('href="/account/update-password"')
  })

  it('carries a safe next to the success page, and drops an unsafe one', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    let page = await browser.get('/account/update-password?next=https://app.example.com/settings')
    let done = await browser.submit(await page.text(), { password: 'new password one', password_confirm: 'new password one' })
    expect(await done.text()).toContain('href="https://app.example.com/settings"')

    const user2 = await newUser()
    const browser2 = new Browser()
    await reachUpdateForm(browser2, user2)
    page = await browser2.get('/account/update-password?next=//evil.example')
    done = await browser2.submit(await page.text(), { password: 'new password two', password_confirm: 'new password two' })
    const html = await done.text()
    expect(html).not.toContain('evil.example')
    expect(html).toContain('href="https://www.example.com/"')
  })
})

describe('edge limits on the new-password form', () => {
  it('limits submissions per session (429 with Retry-After)', async () => {
    const user = await newUser()
    const browser = new Browser({ fetcher: withLimiters() })
    await reachUpdateForm(browser, user)
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await submitNewPassword(browser, `mismatch ${i} aaaa`, 'other')).status)
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true)
    expect(statuses[10]).toBe(429)
    // Over the limit: the form again (the session is still good) with the wait, not a dead end.
    const limited = await submitNewPassword(browser, 'a fine new password 1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    const html = await limited.text()
    expect(html).toContain('Too many attempts. Wait a minute, then try again.')
    expect(html).toContain('name="password_confirm"')
  })
})
