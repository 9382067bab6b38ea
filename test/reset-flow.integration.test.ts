/**
 * The whole password reset, through the Worker's entrypoint, against the local Supabase Auth
 * stand-in: request → email rendered from templates/recovery.html → confirm → new password.
 */
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { Browser, parseSetCookie } from './browser'
import {
  control,
  newUser,
  openLinkAndConfirm,
  reachUpdateForm,
  recoveryEmail,
  requestRecovery,
  signInWith,
  submitNewPassword,
} from './flow'

const NEW_PASSWORD = 'correct horse battery staple'

describe('password reset, end to end', () => {
  it('takes a person from "forgot password" to signing in with the new password', async () => {
    const user = await newUser()
    const browser = new Browser()

    // They ask for a reset link.
    const requested = await requestRecovery(browser, user.email)
    expect(requested.status).toBe(200)
    expect(await requested.text()).toContain('Check your email')

    // The email, rendered from the shipped template, links to /auth/confirm with a token hash.
    const email = await recoveryEmail(user.email)
    const link = new URL(email.link)
    expect(link.origin).toBe('https://auth.example.com')
    expect(link.pathname).toBe('/auth/confirm')
    expect(link.searchParams.get('type')).toBe('recovery')
    expect(link.searchParams.get('next')).toBe('/account/update-password')
    expect(link.searchParams.get('token_hash')).toMatch(/^(pkce_)?[0-9a-f]{56}$/)
    expect(email.code).toMatch(/^\d{6}$/)

    // Opening the link shows a button and spends nothing; pressing it verifies and redirects.
    const opened = await browser.get(email.link)
    expect(opened.status).toBe(200)
    expect(opened.headers.get('referrer-policy')).toBe('strict-origin')
    const confirmed = await browser.submit(await opened.text())
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/account/update-password')
    const sessionCookies = confirmed.headers.getSetCookie().map(parseSetCookie).filter((c) => c.name.startsWith('sb-'))
    expect(sessionCookies.some((c) => c.name === 'sb-127-auth-token' && c.value.startsWith('base64-'))).toBe(true)

    // The form names the account in full (login CSRF: the person must see whose password this is).
    const form = await browser.follow(confirmed)
    expect(form.status).toBe(200)
    const formHtml = await form.text()
    expect(formHtml).toContain('Choose a new password')
    expect(formHtml).toContain(`<strong class="address">${user.email}</strong>`)
    expect(formHtml).not.toContain('signed this browser in to another account')
    expect(formHtml).toContain('autocomplete="new-password"')

    // They set the new password.
    const done = await submitNewPassword(browser, NEW_PASSWORD)
    expect(done.status).toBe(200)
    const doneHtml = await done.text()
    expect(doneHtml).toContain('Your password has been changed')
    // The advice for whoever did not make this change is a link they can follow.
    expect(doneHtml).toContain('<a href="/account/forgot-password">Not you? Reset your password again now.</a>')
    expect(doneHtml).toContain('Your other devices have been signed out.')
    expect(doneHtml).toContain('href="https://www.example.com/"')

    // The new password works; the old one does not.
    expect((await signInWith(user.email, NEW_PASSWORD)).error).toBeNull()
    const old = await signInWith(user.email, user.password)
    expect(old.error?.code).toBe('invalid_credentials')
  })

  it('signs out the account everywhere else', async () => {
    const user = await newUser()
    // The person is signed in on a laptop they lost.
    const laptop = await signInWith(user.email, user.password)
    expect(laptop.error).toBeNull()
    expect(await control().sessionCount(user.email)).toBe(1)

    const browser = new Browser()
    await reachUpdateForm(browser, user)
    expect(await control().sessionCount(user.email)).toBe(2)
    expect((await submitNewPassword(browser, NEW_PASSWORD)).status).toBe(200)

    // Only the session that changed the password is left.
    expect(await control().sessionCount(user.email)).toBe(1)
    const res = await fetch(`${inject('authUrl')}/auth/v1/user`, {
      headers: { apikey: inject('anonKey'), authorization: `Bearer ${laptop.data.session?.access_token}` },
    })
    expect(res.status).toBe(403)
  })

  it('refuses the link once it has been used, in another browser', async () => {
    const user = await newUser()
    const first = new Browser()
    await requestRecovery(first, user.email)
    const { link } = await recoveryEmail(user.email)
    expect((await openLinkAndConfirm(first, link)).headers.get('location')).toBe('/account/update-password')

    // Someone else (or a scanner with no cookies) presses the same link's button later.
    const other = new Browser()
    const again = await openLinkAndConfirm(other, link)
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/auth/auth-code-error?reason=link_expired')
    const page = await other.follow(again)
    expect(page.status).toBe(410)
    const html = await page.text()
    expect(html).toContain('This link has expired or was already used')
    expect(html).toContain('href="/account/verify-code"')
    expect(html).toContain('href="/account/forgot-password"')
  })

  it('lets the same browser continue after a second click on its own link', async () => {
    const user = await newUser()
    const browser = new Browser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    await openLinkAndConfirm(browser, link)

    // Back button, or a double click: the link is spent, but this browser holds its fresh session.
    const again = await browser.get(link)
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/account/update-password')
    expect((await browser.follow(again)).status).toBe(200)
  })

  it('does not spend the token when the link is merely opened (mail scanners)', async () => {
    const user = await newUser()
    const browser = new Browser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    await control().clearRequests()

    // A scanner fetches the link with GET and HEAD, several times.
    const scanner = new Browser()
    for (const method of ['GET', 'HEAD', 'GET']) {
      expect((await scanner.request(link, { method })).status).toBe(200)
    }
    const verifies = (await control().requests()).filter((r) => r.path === '/auth/v1/verify')
    expect(verifies).toEqual([])

    // The person's click still works.
    expect((await openLinkAndConfirm(browser, link)).headers.get('location')).toBe('/account/update-password')
  })
})
