/**
 * Login CSRF: an attacker requests a link for their own account and gets a victim to open it and
 * press the button. Nobody may end up signed in as another account without being shown it: recovery
 * and invite links always go through the new-password form (which names the account in full), and any
 * other link that replaces a different account's session goes through "signed in as" with a sign-out.
 * In CONFIRM_MODE=direct only recovery and invite links verify on GET.
 */
import { createServerClient } from '@supabase/ssr'
import { describe, expect, inject, it } from 'vitest'
import { extractLinks } from '../local-auth/client'
import { Browser, parseForms, parseSetCookie } from './browser'
import { withBindings } from './deployment'
import { captureLogs, confirmCurrentAddress, control, newUser, openLinkAndConfirm, submitNewPassword, type TestUser } from './flow'

type LinkType = 'recovery' | 'magiclink' | 'signup' | 'invite' | 'email_change'

/** The /auth/confirm link of a freshly minted email of `type` for `email`, with `next` set when given. */
async function linkFor(email: string, type: LinkType, next?: string): Promise<string> {
  const minted = await control().mintToken({ email, type, ...(type === 'email_change' ? { new_email: `new-${email}` } : {}) })
  await confirmCurrentAddress(minted) // email_change: the other of its two links, so this one signs in
  const message = await control().message(minted.message_id)
  const link = new URL(extractLinks(message.HTML).find((href) => href.includes('/auth/confirm')) ?? '')
  if (next !== undefined) link.searchParams.set('next', next)
  return link.href
}

/** A browser signed in as `user` (through a magic link of their own, as on the main site). */
async function signedInAs(user: TestUser, browser = new Browser()): Promise<Browser> {
  const res = await openLinkAndConfirm(browser, await linkFor(user.email, 'magiclink'))
  expect(res.headers.get('location')).toBe('https://www.example.com/')
  return browser
}

async function signOutFrom(browser: Browser, html: string): Promise<Response> {
  const form = parseForms(html).find((f) => f.action === '/account/sign-out')
  expect(form, 'a sign-out form').toBeDefined()
  return browser.post(form?.action ?? '', form?.fields ?? {})
}

describe('an attacker’s own link, pressed by a signed-in victim', () => {
  it('recovery: goes through the new-password form naming both accounts, even with next=<SITE_URL>', async () => {
    const victim = await newUser()
    const attacker = await newUser()
    const browser = await signedInAs(victim)

    const confirmed = await openLinkAndConfirm(browser, await linkFor(attacker.email, 'recovery', 'https://www.example.com/'))
    expect(confirmed.status).toBe(303)
    // Not the site: the form, with next carried on to after it.
    expect(confirmed.headers.get('location')).toBe('/account/update-password?next=https%3A%2F%2Fwww.example.com%2F')
    const form = await browser.follow(confirmed)
    const html = await form.text()
    expect(html).toContain('Not expected? Sign out below.')
    expect(html).toContain(`<div class="notice error" role="alert">You were signed in as <strong class="address">${victim.email}</strong>`)
    expect(html).toContain(`you are now signed in as <strong class="address">${attacker.email}</strong>`)
    expect(html).toContain(`You are choosing a new password for <strong class="address">${attacker.email}</strong>`)

    // "Not you? Sign out": the attacker's session leaves this browser.
    const signedOut = await signOutFrom(browser, html)
    expect(signedOut.status).toBe(200)
    expect(await signedOut.text()).toContain('You are signed out')
    expect(browser.cookieNames().some((name) => name.startsWith('sb-127-auth-token'))).toBe(false)
    expect(await control().sessionCount(attacker.email)).toBe(0)
    expect((await browser.get('/account/update-password')).headers.get('location')).toBe('/account/forgot-password?reason=session_missing')
  })

  it.each(['magiclink', 'signup', 'email_change'] as const)('%s: shows "signed in as" with both accounts before going on', async (type) => {
    const victim = await newUser()
    const attacker = await newUser()
    const browser = await signedInAs(victim)

    const confirmed = await openLinkAndConfirm(browser, await linkFor(attacker.email, type, 'https://app.example.com/inbox'))
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/account/signed-in?next=https%3A%2F%2Fapp.example.com%2Finbox')
    const page = await browser.follow(confirmed)
    expect(page.status).toBe(200)
    const html = await page.text()
    const now = type === 'email_change' ? `new-${attacker.email}` : attacker.email
    expect(html).toContain(`You are now signed in as <strong class="address">${now}</strong>`)
    expect(html).toContain(`this browser was signed in as <strong class="address">${victim.email}</strong>`)
    expect(html).toContain(`href="https://app.example.com/inbox">Continue as ${now}</a>`)
    const signedOut = await signOutFrom(browser, html)
    expect(await signedOut.text()).toContain('You are signed out')
    expect(browser.cookieNames().some((name) => name.startsWith('sb-127-auth-token'))).toBe(false)
  })

  it('logs the confirmation as a switch (confirmed_magiclink_switched_account), so operators can count them', async () => {
    const victim = await newUser()
    const attacker = await newUser()
    const browser = await signedInAs(victim)
    const page = await (await browser.get(await linkFor(attacker.email, 'magiclink'))).text()
    const { result, lines } = await captureLogs(() => browser.submit(page))
    expect(result.headers.get('location')).toMatch(/^\/account\/signed-in\b/)
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request')
    expect(line).toMatchObject({ method: 'POST', route: '/auth/confirm', status: 303, reason: 'confirmed_magiclink_switched_account' })
  })

  it('the 6-digit code: the new-password form names both accounts', async () => {
    const victim = await newUser()
    const attacker = await newUser()
    const browser = await signedInAs(victim)
    const minted = await control().mintToken({ email: attacker.email, type: 'recovery' })
    const page = await browser.get('/account/verify-code')
    const res = await browser.submit(await page.text(), { email: attacker.email, code: minted.token })
    expect(res.headers.get('location')).toBe('/account/update-password')
    const html = await (await browser.follow(res)).text()
    expect(html).toContain(`You were signed in as <strong class="address">${victim.email}</strong>`)
  })
})

describe('the account a browser holds, however its cookie was written', () => {
  it('a main site’s tokens-only cookie (no user in it): "signed in as" still names both accounts', async () => {
    const victim = await newUser()
    const attacker = await newUser()
    // The main site's own @supabase/ssr client, set to leave the user out of the cookie.
    const written: { name: string; value: string }[] = []
    const site = createServerClient(inject('authUrl'), inject('anonKey'), {
      cookies: { getAll: () => [], setAll: (cookies) => void written.push(...cookies), encode: 'tokens-only' },
    })
    expect((await site.auth.signInWithPassword(victim)).error).toBeNull()
    const browser = new Browser()
    for (const { name, value } of written) browser.jar.set(name, value)
    const session = [...browser.jar].filter(([name]) => name.startsWith('sb-127-auth-token')).map(([, value]) => value).join('')
    expect(session.startsWith('base64-')).toBe(true)
    const stored = JSON.parse(atob(session.slice('base64-'.length).replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
    expect(Object.keys(stored)).toContain('access_token')
    expect(Object.keys(stored), 'the cookie carries no user').not.toContain('user')

    const confirmed = await openLinkAndConfirm(browser, await linkFor(attacker.email, 'magiclink', 'https://app.example.com/inbox'))
    expect(confirmed.headers.get('location')).toBe('/account/signed-in?next=https%3A%2F%2Fapp.example.com%2Finbox')
    const html = await (await browser.follow(confirmed)).text()
    expect(html).toContain(`this browser was signed in as <strong class="address">${victim.email}</strong>`)
  })

  it('a planted session whose address no cookie can hold (a lone surrogate): the link still confirms, no 500', async () => {
    const attacker = await newUser()
    const planted = JSON.stringify({ access_token: 'x', user: { id: '11111111-1111-1111-1111-111111111111', email: '\ud800@example.com' } })
    const browser = new Browser()
    browser.jar.set('sb-127-auth-token', `base64-${btoa(planted).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`)
    const confirmed = await openLinkAndConfirm(browser, await linkFor(attacker.email, 'magiclink', 'https://app.example.com/inbox'))
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/account/signed-in?next=https%3A%2F%2Fapp.example.com%2Finbox')
    const page = await browser.follow(confirmed)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(`You are now signed in as <strong class="address">${attacker.email}</strong>`)
  })
})

describe('no warning where nothing switched', () => {
  it('a magic link in a browser with no session goes straight on', async () => {
    const user = await newUser()
    const res = await openLinkAndConfirm(new Browser(), await linkFor(user.email, 'magiclink', 'https://app.example.com/'))
    expect(res.headers.get('location')).toBe('https://app.example.com/')
  })

  it('a magic link for the account the browser already holds goes straight on', async () => {
    const user = await newUser()
    const browser = await signedInAs(user)
    const res = await openLinkAndConfirm(browser, await linkFor(user.email, 'magiclink', 'https://app.example.com/'))
    expect(res.headers.get('location')).toBe('https://app.example.com/')
  })

  it('the new-password form of one’s own reset shows no switch notice', async () => {
    const user = await newUser()
    const browser = await signedInAs(user)
    const confirmed = await openLinkAndConfirm(browser, await linkFor(user.email, 'recovery'))
    expect(confirmed.headers.get('location')).toBe('/account/update-password')
    const html = await (await browser.follow(confirmed)).text()
    expect(html).not.toContain('signed this browser in to another account')
    expect(html).toContain(`for <strong class="address">${user.email}</strong>`)
  })

  it('a stale notice does not follow the browser to a later reset of another account', async () => {
    const victim = await newUser()
    const attacker = await newUser()
    const third = await newUser()
    const browser = await signedInAs(victim)
    await openLinkAndConfirm(browser, await linkFor(attacker.email, 'recovery'))
    // Later the same browser resets a third account (bound to the attacker's user id, the notice is gone).
    const confirmed = await openLinkAndConfirm(browser, await linkFor(third.email, 'recovery'))
    const html = await (await browser.follow(confirmed)).text()
    expect(html).toContain(`You were signed in as <strong class="address">${attacker.email}</strong>`)
    expect(html).not.toContain(victim.email)
  })

  it('a second click on one’s own magic link goes straight on to next, not to the button or the password form', async () => {
    const user = await newUser()
    const browser = new Browser()
    const link = await linkFor(user.email, 'magiclink', 'https://app.example.com/inbox')
    expect((await openLinkAndConfirm(browser, link)).headers.get('location')).toBe('https://app.example.com/inbox')
    const again = await browser.get(link)
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('https://app.example.com/inbox')
  })

  it('/account/signed-in without a switch goes straight to a safe next', async () => {
    const res = await new Browser().get('/account/signed-in?next=https%3A%2F%2Fevil.example%2F')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('https://www.example.com/')
  })
})

describe('the note of a switch (the __Host-auth-account-switch cookie)', () => {
  const SWITCH = '__Host-auth-account-switch'
  /** A victim's browser that pressed an attacker's magic link, and that response's Set-Cookie for the note. */
  async function switched() {
    const browser = await signedInAs(await newUser())
    const confirmed = await openLinkAndConfirm(browser, await linkFor((await newUser()).email, 'magiclink'))
    const line = confirmed.headers.getSetCookie().map(parseSetCookie).find((cookie) => cookie.name === SWITCH)
    return { browser, line }
  }

  it('is HttpOnly, Secure, SameSite=Lax, host-only on /, and lasts the recovery window (RECOVERY_MAX_AGE_SECONDS)', async () => {
    const { line } = await switched()
    expect(line?.attributes).toMatchObject({ httponly: true, secure: true, samesite: 'Lax', path: '/' })
    expect(line?.attributes.domain).toBeUndefined()
    expect(line?.maxAge).toBe(900)
  })

  it('is bound to the account it names: once the main site signs the browser in as a third account, no notice', async () => {
    const { browser } = await switched()
    expect(browser.jar.has(SWITCH)).toBe(true)
    const third = await newUser()
    const written: { name: string; value: string }[] = []
    const site = createServerClient(inject('authUrl'), inject('anonKey'), { cookies: { getAll: () => [], setAll: (cookies) => void written.push(...cookies) } })
    expect((await site.auth.signInWithPassword(third)).error).toBeNull()
    for (const name of browser.cookieNames()) if (name.startsWith('sb-')) browser.jar.delete(name)
    for (const { name, value } of written) browser.jar.set(name, value)
    const res = await browser.get('/account/signed-in?next=https%3A%2F%2Fapp.example.com%2F')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('https://app.example.com/')
  })

  it('is forgotten on sign-out', async () => {
    const { browser } = await switched()
    expect(browser.jar.has(SWITCH)).toBe(true)
    const page = await browser.get('/account/signed-in')
    await signOutFrom(browser, await page.text())
    expect(browser.jar.has(SWITCH)).toBe(false)
  })

  it('is forgotten once the new password is set', async () => {
    const victim = await newUser()
    const attacker = await newUser()
    const browser = await signedInAs(victim)
    await openLinkAndConfirm(browser, await linkFor(attacker.email, 'recovery'))
    expect(browser.jar.has(SWITCH)).toBe(true)
    const changed = await submitNewPassword(browser, 'a new password for the switch test')
    expect(changed.status).toBe(200)
    expect(browser.jar.has(SWITCH)).toBe(false)
  })
})

describe('CONFIRM_MODE=direct', () => {
  const direct = () => new Browser({ fetcher: withBindings({ CONFIRM_MODE: 'direct' }) })

  it.each(['magiclink', 'signup', 'email_change'] as const)('%s links still need the button: a GET spends nothing', async (type) => {
    const user = await newUser()
    const link = await linkFor(user.email, type)
    await control().clearRequests()
    const res = await direct().get(link)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<form method="post" action="/auth/confirm">')
    expect((await control().requests()).filter((r) => r.path.endsWith('/verify'))).toHaveLength(0)
  })

  it.each(['recovery', 'invite'] as const)('%s links verify on GET and land on the form that names the account', async (type) => {
    const user = await newUser()
    const browser = direct()
    const res = await browser.get(await linkFor(user.email, type, 'https://www.example.com/'))
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/update-password?next=https%3A%2F%2Fwww.example.com%2F')
    expect(await (await browser.follow(res)).text()).toContain(`for <strong class="address">${user.email}</strong>`)
  })

  it('a page that navigates a signed-in visitor to an attacker’s magic link signs nobody in', async () => {
    const victim = await newUser()
    const attacker = await newUser()
    const browser = await signedInAs(victim, direct())
    const res = await browser.get(await linkFor(attacker.email, 'magiclink'))
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie().some((c) => c.startsWith('sb-127-auth-token'))).toBe(false)
  })
})
