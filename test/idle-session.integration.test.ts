/**
 * A browser that still holds an older session: someone who used the site an hour (or a month) ago,
 * with COOKIE_DOMAIN sharing the session between the site and this Worker. Asking for a reset and
 * confirming a link or code do not act as that session: it is not refreshed first (one round trip per
 * step, as for anyone), a dead one makes no SDK warnings, and a new session replaces every cookie of
 * the old one, whole or chunked.
 */
import { describe, expect, inject, it } from 'vitest'
import { Browser, parseSetCookie } from './browser'
import { withBindings } from './deployment'
import { codeLinkFor, newUser, openLinkAndConfirm, recoveryEmail, requestRecovery, type TestUser } from './flow'
import { browserHolding, callsDuring, oldSession, SESSION } from './old-session'

/** Lines that are not the Worker's own JSON lines (SDK warnings, stack traces). */
const foreign = (lines: string[]) =>
  lines.filter((line) => {
    try {
      return typeof (JSON.parse(line) as { msg?: unknown }).msg !== 'string'
    } catch {
      return true
    }
  })

const cookieNames = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => (c.split('=')[0] ?? '').replace(/-flow-[0-9a-f]+-/, '-flow-<id>-'))
    .sort()

/** `user` confirms their emailed link in a browser holding another account's expired session (whole or chunked). */
async function confirmOverOldSession(user: TestUser, chunked = false, browser = new Browser()): Promise<{ browser: Browser; confirmed: Response }> {
  const holding = await browserHolding(await oldSession(await newUser(), 'expired'), chunked, browser)
  await requestRecovery(new Browser(), user.email)
  const { link } = await recoveryEmail(user.email)
  return { browser: holding, confirmed: await openLinkAndConfirm(holding, link) }
}

/** The address the new-password form is for (its "for <address>" line, after any account-switch notice). */
async function namedAccount(browser: Browser): Promise<string | undefined> {
  const page = await browser.get('/account/update-password')
  return [...(await page.text()).matchAll(/<p>[^<]*<strong class="address">([^<]*)<\/strong>/g)].at(-1)?.[1]
}

describe('asking for a reset', () => {
  it.each([['whole', false], ['in chunks', true]])('(session cookie %s) sets the code-verifier cookies a fresh browser gets, in one round trip, with one log line', async (_name, chunked) => {
    const user = await newUser()
    const browser = await browserHolding(await oldSession(user, 'expired'), chunked)
    const { result, calls, lines } = await callsDuring(() => requestRecovery(browser, user.email))
    await recoveryEmail(user.email)
    // No refresh of a session this step does not use: its new tokens could not even be kept, since the
    // answer goes before the email is sent.
    expect(calls).toEqual(['POST /auth/v1/recover'])
    const fresh = await requestRecovery(new Browser(), user.email.replace(/^user/, 'ghost'))
    expect(cookieNames(result)).toEqual(cookieNames(fresh))
    expect(cookieNames(result).some((name) => name.includes('code-verifier'))).toBe(true)
    expect(foreign(lines)).toEqual([])
  })

  it('can then open a {{ .ConfirmationURL }} link (?code=) from that request, in one round trip', async () => {
    const user = await newUser()
    const browser = await browserHolding(await oldSession(user, 'expired'))
    await requestRecovery(browser, user.email)
    const location = await codeLinkFor((await recoveryEmail(user.email)).link)
    const { result, calls, lines } = await callsDuring(() => browser.get(location))
    expect([result.status, result.headers.get('location')]).toEqual([303, '/account/update-password'])
    expect(calls).toEqual(['POST /auth/v1/token?grant_type=pkce'])
    expect(foreign(lines)).toEqual([])
    expect(await namedAccount(browser)).toBe(user.email)
  })
})

describe('confirming a link or a code', () => {
  it.each([['expired', 'expired'], ['ended', 'ended']] as const)('with an %s session: one round trip, no SDK warnings, and the new-password form for the account', async (_name, state) => {
    const user = await newUser()
    const browser = await browserHolding(await oldSession(user, state))
    await requestRecovery(new Browser(), user.email)
    const { link } = await recoveryEmail(user.email)
    const page = await browser.get(link)
    const { result, calls, lines } = await callsDuring(async () => browser.submit(await page.text()))
    expect([result.status, result.headers.get('location')]).toEqual([303, '/account/update-password'])
    expect(calls).toEqual(['POST /auth/v1/verify'])
    expect(foreign(lines)).toEqual([])
    expect(await namedAccount(browser)).toBe(user.email)
  })

  it('with the 6-digit code: one round trip, and the new-password form for the account', async () => {
    const user = await newUser()
    const browser = await browserHolding(await oldSession(user, 'expired'))
    await requestRecovery(new Browser(), user.email)
    const { code = '' } = await recoveryEmail(user.email)
    const form = await browser.get('/account/verify-code')
    const { result, calls, lines } = await callsDuring(async () => browser.submit(await form.text(), { email: user.email, code }))
    expect([result.status, result.headers.get('location')]).toEqual([303, '/account/update-password'])
    expect(calls).toEqual(['POST /auth/v1/verify'])
    expect(foreign(lines)).toEqual([])
    expect(await namedAccount(browser)).toBe(user.email)
  })

  it('replaces an old whole session cookie with a new chunked one: the old cookie is deleted, so the new session is the one read', async () => {
    // A large profile makes the new session too big for one cookie.
    const user = await newUser({ user_metadata: { bio: 'x'.repeat(3000) } })
    const { browser, confirmed } = await confirmOverOldSession(user)
    const set = confirmed.headers.getSetCookie().map(parseSetCookie)
    expect(set.filter((c) => c.name === SESSION).map((c) => c.maxAge)).toContain(0)
    expect(set.filter((c) => c.name.startsWith(`${SESSION}.`) && c.value !== '').length).toBeGreaterThan(1)
    const held = browser.cookieNames().filter((name) => name.startsWith(SESSION) && !name.includes('verifier'))
    expect(held.length).toBeGreaterThan(1)
    expect(held.every((name) => /\.\d$/.test(name))).toBe(true)
    expect(await namedAccount(browser)).toBe(user.email)
  })

  it('replaces an old chunked session with a new whole one: the old chunks are deleted', async () => {
    const user = await newUser()
    const { browser, confirmed } = await confirmOverOldSession(user, true)
    const deleted = confirmed.headers.getSetCookie().map(parseSetCookie).filter((c) => c.maxAge === 0).map((c) => c.name)
    expect(deleted).toEqual(expect.arrayContaining([`${SESSION}.0`, `${SESSION}.1`]))
    expect(browser.cookieNames().filter((name) => name.startsWith(SESSION) && !name.includes('verifier'))).toEqual([SESSION])
    expect(await namedAccount(browser)).toBe(user.email)
  })

  it('with COOKIE_DOMAIN, deletes the old chunks domain-wide and host-only, as @supabase/ssr deletes what it sees', async () => {
    const user = await newUser()
    const { browser, confirmed } = await confirmOverOldSession(user, true, new Browser({ fetcher: withBindings({ COOKIE_DOMAIN: '.example.com' }) }))
    const deletions = confirmed.headers
      .getSetCookie()
      .map(parseSetCookie)
      .filter((c) => c.maxAge === 0 && c.name.startsWith(SESSION))
      .map((c) => `${c.name} ${String(c.attributes.domain ?? 'host-only')}`)
      .sort()
    expect(deletions).toEqual([`${SESSION}.0 .example.com`, `${SESSION}.0 host-only`, `${SESSION}.1 .example.com`, `${SESSION}.1 host-only`])
    expect(await namedAccount(browser)).toBe(user.email)
  })

  it('with COOKIE_DOMAIN, deletes a host-only old cookie of the same name before writing the new one domain-wide', async () => {
    // Left from before COOKIE_DOMAIN was set: the browser would keep it beside the domain-wide one and send it first.
    const user = await newUser()
    const { browser, confirmed } = await confirmOverOldSession(user, false, new Browser({ fetcher: withBindings({ COOKIE_DOMAIN: '.example.com' }) }))
    const lines = confirmed.headers
      .getSetCookie()
      .map(parseSetCookie)
      .filter((c) => c.name === SESSION)
      .map((c) => `${c.maxAge === 0 ? 'delete' : 'set'} ${String(c.attributes.domain ?? 'host-only')}`)
    expect(lines).toEqual(['delete host-only', 'set .example.com'])
    expect(await namedAccount(browser)).toBe(user.email)
  })
})
