/**
 * Supabase failing in the middle of a request: one answer, at once, that says what is known. auth-js
 * retries a failed session refresh with backoff for up to 30 s (GoTrueClient `_refreshAccessToken`),
 * so a page that refreshes an expired session must not wait that out nor call Supabase again; and an
 * answer with a success status that cannot be read means Supabase acted, so the page says we could
 * not tell, never "nothing was changed".
 */
import { stringFromBase64URL, stringToBase64URL } from '@supabase/ssr'
import { describe, expect, inject, it, vi } from 'vitest'
import { Browser, parseSetCookie } from './browser'
import { withBindings } from './deployment'
import { localAuthControl } from '../local-auth/client'
import { captureLogs, control, newUser, reachUpdateForm, signInWith } from './flow'
import { loseNextAnswer } from './lossy-proxy'
import { browserHolding, callsDuring, oldSession, SESSION } from './old-session'
import { pwned } from './pwned'

const REFRESH = 'POST /auth/v1/token?grant_type=refresh_token'

/** A browser holding `user`'s session whose access token has expired, so the next page refreshes it. */
async function expiredSessionBrowser() {
  const user = await newUser()
  return browserHolding(await oldSession(user, 'expired'))
}

/**
 * A person of the legacy HS256 project (each session check is a GET /user, no local JWKS check) with
 * their reset link's page open in a browser deployed against that project.
 */
async function legacyLinkOpened() {
  const legacy = localAuthControl(inject('legacyAuthUrl'))
  const email = `legacy-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}@example.com`
  await legacy.createUser({ email, password: 'an old password 1' })
  const { token_hash } = await legacy.mintToken({ email, type: 'recovery' })
  const browser = new Browser({ fetcher: withBindings({ SUPABASE_URL: inject('legacyAuthUrl'), SUPABASE_PUBLISHABLE_KEY: inject('legacyAnonKey') }) })
  const opened = await (await browser.get(`/auth/confirm?token_hash=${token_hash}&type=recovery&next=/account/update-password`)).text()
  return { legacy, browser, opened }
}

const logLine = (lines: string[], route: string) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.route === route)

describe('a session refresh that fails', () => {
  it.each([
    ['answers 503', { status: 503, body: { message: 'unavailable' } }, 502, 'The sign-in service is having trouble'],
    ['drops the connection', { drop: true }, 502, 'The sign-in service is having trouble'],
    ['is slower than the timeout', { delay_ms: 2500 }, 504, 'The sign-in service is taking too long'],
    // A success status is Supabase having refreshed (the old refresh token spent): could not tell.
    ['answers 200 with a body that cannot be read', { status: 200, body: 'malformed' }, 504, 'The sign-in service is taking too long'],
  ])('%s: the new-password page says so after one call, not after auth-js\'s retries', async (_name, fault, status, text) => {
    const browser = await expiredSessionBrowser()
    await control().injectFault({ path: '/auth/v1/token', method: 'POST', times: 20, ...fault })
    try {
      const { result, calls, lines } = await callsDuring(() => browser.get('/account/update-password'))
      expect(result.status).toBe(status)
      expect(await result.text()).toContain(text)
      expect(calls.filter((call) => call === REFRESH)).toEqual([REFRESH])
      expect(logLine(lines, '/account/update-password')).toMatchObject({ status, upstream_calls: 1 })
      // The session is not thrown away for an outage: the cookie stays as it was.
      expect(result.headers.getSetCookie().map(parseSetCookie).filter((c) => c.name.startsWith(SESSION))).toEqual([])
    } finally {
      await control().clearFaults()
    }
  })

  it('on sign-out: signed out at once (the cookies cleared here), after one call', async () => {
    const browser = await expiredSessionBrowser()
    const page = await browser.get('/account/sign-out')
    await control().injectFault({ path: '/auth/v1/token', method: 'POST', times: 20, status: 503, body: { message: 'unavailable' } })
    try {
      const { result, calls, lines } = await callsDuring(async () => browser.submit(await page.text()))
      expect(result.status).toBe(200)
      expect(calls.filter((call) => call === REFRESH)).toEqual([REFRESH])
      expect(logLine(lines, '/account/sign-out')).toMatchObject({ reason: 'signed_out_locally', upstream_calls: 1 })
      const cleared = result.headers.getSetCookie().map(parseSetCookie).filter((c) => c.name === SESSION)
      expect(cleared.map((c) => c.maxAge)).toEqual([0])
      expect(browser.cookieNames().filter((name) => name.startsWith(SESSION))).toEqual([])
    } finally {
      await control().clearFaults()
    }
  })
})

describe('a session that comes within auth-js\'s refresh margin between the page check and the save', () => {
  it('a failing refresh inside updateUser is not waited out: the form again, "having trouble", after one call', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await (await browser.get('/account/update-password')).text()
    // The stored session expires in 95 s: the page's check (over auth-js's 90 s margin) does not refresh it.
    const stored = JSON.parse(stringFromBase64URL((browser.jar.get(SESSION) ?? '').slice('base64-'.length))) as { expires_at: number }
    const start = Date.now()
    stored.expires_at = Math.floor(start / 1000) + 95
    browser.jar.set(SESSION, `base64-${stringToBase64URL(JSON.stringify(stored))}`)
    await control().injectFault({ path: '/auth/v1/token', method: 'POST', times: 50, status: 503, body: { message: 'unavailable' } })
    // The breached-password check runs between the two; while the range server holds it, 10 s pass.
    await pwned().injectFault({ mode: 'slow', delay_ms: 300 })
    await pwned().clearRequests()
    await control().clearRequests()
    vi.useFakeTimers({ toFake: ['Date'], now: start })
    try {
      const saving = captureLogs(() => browser.submit(page, { password: 'a new password 123', password_confirm: 'a new password 123' }))
      while ((await pwned().requests()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
      vi.setSystemTime(start + 10_000)
      const { result: res, lines } = await saving
      expect(res.status).toBe(502)
      const html = await res.text()
      expect(html).toContain('The sign-in service is having trouble')
      expect(html).toContain('name="password"') // the form, to save again
      expect(logLine(lines, '/account/update-password')).toMatchObject({ reason: 'upstream_unavailable', upstream_calls: 1 })
      const calls = (await control().requests()).map((r) => `${r.method} ${r.path}`)
      expect(calls).toEqual(['POST /auth/v1/token'])
    } finally {
      vi.useRealTimers()
      await control().clearFaults()
      await pwned().clearFaults()
    }
    expect((await signInWith(user.email, user.password)).error).toBeNull()
  })
})

describe('a new password Supabase may have saved, with the answer lost', () => {
  it.each([
    ['a gateway\'s 504 page', { status: 504, body: '<html>504 Gateway Time-out</html>' }],
    ['a 200 whose body cannot be read', { status: 200, body: 'malformed' }],
  ])('%s: "could not tell" (504) on the form, never "nothing was changed"', async (_name, fault) => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/update-password')
    await control().injectFault({ path: '/auth/v1/user', method: 'PUT', ...fault })
    const res = await browser.submit(await page.text(), { password: 'a new password 123', password_confirm: 'a new password 123' })
    expect(res.status).toBe(504)
    const html = await res.text()
    expect(html).toContain('We could not tell whether it went through.')
    expect(html).not.toContain('Nothing was changed')
    // The form is still there: saving again settles it (here the stand-in had not acted, so it changes it).
    expect((await browser.submit(html, { password: 'a new password 123', password_confirm: 'a new password 123' })).status).toBe(200)
    expect((await signInWith(user.email, 'a new password 123')).error).toBeNull()
  })
})

describe('a new password Supabase saved, with its answer lost on the way back', () => {
  it.each([
    ['breaks off after the headers', { mode: 'break' }],
    ['stalls past the timeout after the headers', { mode: 'stall', stallMs: 3000 }],
  ] as const)('an answer that %s: "could not tell" (504), and the new password is the one that works', async (_name, loss) => {
    const user = await newUser()
    const browser = new Browser({ fetcher: withBindings({ SUPABASE_URL: inject('lossyAuthUrl') }) })
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/update-password')
    await loseNextAnswer(inject('lossyAuthUrl'), { path: '/auth/v1/user', method: 'PUT', ...loss })
    const form = await page.text()
    const { result: res, lines } = await captureLogs(() => browser.submit(form, { password: 'a saved new password 1', password_confirm: 'a saved new password 1' }))
    expect(res.status).toBe(504)
    const html = await res.text()
    expect(html).toContain('We could not tell whether it went through.')
    expect(html).not.toContain('Nothing was changed')
    expect(logLine(lines, '/account/update-password')).toMatchObject({ reason: 'upstream_timeout' })
    // Supabase did change it: the page's "could not tell" was the honest answer.
    expect((await signInWith(user.email, 'a saved new password 1')).error).toBeNull()
  })
})

describe('a refusal this Worker has no words for', () => {
  it('an unknown 4xx code from PUT /user keeps the form (the session is still good): saving again works', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/update-password')
    await control().injectFault({ path: '/auth/v1/user', method: 'PUT', status: 400, body: { code: 'something_new', message: 'a future refusal' } })
    const res = await browser.submit(await page.text(), { password: 'a new password 123', password_confirm: 'a new password 123' })
    expect(res.status).toBe(500)
    const html = await res.text()
    expect(html).toContain('Something went wrong')
    expect(html).not.toContain('a future refusal') // Supabase's words never reach a page
    expect(html).toContain('<a href="/account/forgot-password">Send me a new link</a>')
    const saved = await browser.submit(html, { password: 'a new password 123', password_confirm: 'a new password 123' })
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain('Your password has been changed')
    expect((await signInWith(user.email, 'a new password 123')).error).toBeNull()
  })
})

describe('a call that fails after an earlier one of the same request succeeded', () => {
  it('is judged by its own answer: a dropped PUT /user after a good GET /user is "nothing was changed" (502)', async () => {
    // The legacy HS256 project checks the session with GET /user (200), then the new password is PUT.
    const { legacy, browser, opened } = await legacyLinkOpened()
    await browser.submit(opened)
    const page = await (await browser.get('/account/update-password')).text()
    await legacy.injectFault({ path: '/auth/v1/user', method: 'PUT', drop: true })
    const res = await browser.submit(page, { password: 'a new password 123', password_confirm: 'a new password 123' })
    expect(res.status).toBe(502)
    expect(await res.text()).toContain('Nothing was changed')
  })
})

describe('a second press of a link this browser confirmed, while Supabase cannot check the session', () => {
  it('shows the outage with the button, instead of sending the spent link again ("expired")', async () => {
    // A project on the legacy HS256 secret: each session check is a GET /user (no local JWKS check).
    const { legacy, browser, opened: again } = await legacyLinkOpened()
    expect((await browser.submit(again)).headers.get('location')).toBe('/account/update-password')
    // Back to the link's page, and the button again.
    await legacy.clearRequests()
    await legacy.injectFault({ path: '/auth/v1/user', method: 'GET', status: 503, body: { message: 'unavailable' } })
    const { result, lines } = await captureLogs(() => browser.submit(again))
    expect(result.status).toBe(502)
    expect(await result.text()).toContain('The sign-in service is having trouble')
    expect(logLine(lines, '/auth/confirm')).toMatchObject({ reason: 'upstream_unavailable' })
    // The spent link was not sent to Supabase again.
    expect((await legacy.requests()).filter((r) => r.path === '/auth/v1/verify')).toEqual([])
    // Once Supabase is back, the same press continues to the form.
    const pressed = await browser.submit(again)
    expect(pressed.headers.get('location')).toBe('/account/update-password')
  })
})
