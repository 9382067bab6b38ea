/**
 * Behaviours a hand mutation test of src/ showed no test pinned down: each test here failed against
 * the small realistic bug named in its title. The second-click cookie (scope, attributes, clearing),
 * a non-default password minimum, the 72-byte cap, Supabase's 429 on the code form, sign-out while
 * Supabase is down, and hostile values on the new-password form with a valid recovery session.
 */
import { describe, expect, it } from 'vitest'
import { Browser, parseSetCookie } from './browser'
import { withBindings } from './deployment'
import { captureLogs, control, newUser, openLinkAndConfirm, reachUpdateForm, recoveryEmail, requestRecovery, signInWith, submitNewPassword } from './flow'

async function confirmedLink(browser = new Browser()) {
  const user = await newUser()
  await requestRecovery(browser, user.email)
  const { link } = await recoveryEmail(user.email)
  const confirmed = await openLinkAndConfirm(browser, link)
  return { browser, user, link, confirmed }
}

describe('the second-click cookie', () => {
  it('is HttpOnly, Secure, SameSite=Lax, Path=/, host-only, and lasts the recovery window', async () => {
    const { confirmed } = await confirmedLink()
    const cookie = confirmed.headers.getSetCookie().map(parseSetCookie).find((c) => c.name === '__Host-auth-confirmed-link')
    expect(cookie).toBeDefined()
    expect(cookie?.attributes.httponly).toBe(true)
    expect(cookie?.attributes.secure).toBe(true)
    expect(cookie?.attributes.samesite).toBe('Lax')
    expect(cookie?.attributes.path).toBe('/')
    expect(cookie?.attributes.domain).toBeUndefined()
    expect(cookie?.maxAge).toBe(900)
    // A SHA-256 (base64url), never the token hash itself.
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('does not let a different link continue in a browser that already confirmed one', async () => {
    const { browser, user } = await confirmedLink()
    // A second, different link for the same account (e.g. a newer email): it must be verified, not waved through.
    const minted = await control().mintToken({ email: user.email, type: 'recovery' })
    const other = await browser.get(`/auth/confirm?token_hash=${minted.token_hash}&type=recovery`)
    expect(other.status).toBe(200) // the interstitial: nothing continued without verification
    expect(await other.text()).toContain('Continue to choose a new password')
  })

  it('does not carry a second click past the recovery window', async () => {
    // The link was confirmed 20 minutes ago (the stand-in's clock moved back meanwhile), longer than
    // RECOVERY_MAX_AGE_SECONDS (900): the cookie is still in this browser, the session is no longer fresh.
    await control().advanceClock(-20 * 60)
    let link = ''
    let browser = new Browser()
    let confirmed: Response | undefined
    try {
      ;({ browser, link, confirmed } = await confirmedLink())
    } finally {
      await control().advanceClock(20 * 60)
    }
    expect(confirmed?.headers.get('location')).toBe('/account/update-password')
    expect(browser.jar.has('__Host-auth-confirmed-link')).toBe(true)
    const again = await browser.get(link)
    expect(again.status).toBe(200) // the interstitial, not a 303 to the form
    expect(again.headers.get('location')).toBeNull()
    expect(await again.text()).toContain('Continue to choose a new password')
  })

  it('is cleared on sign-out', async () => {
    const { browser } = await confirmedLink()
    expect(browser.jar.has('__Host-auth-confirmed-link')).toBe(true)
    const page = await browser.get('/account/sign-out')
    const out = await browser.submit(await page.text())
    expect(out.status).toBe(200)
    expect(browser.jar.has('__Host-auth-confirmed-link')).toBe(false)
  })

  it('is cleared after the password change, so the link cannot be replayed in that browser', async () => {
    const { browser, link } = await confirmedLink()
    const form = await browser.follow(await openLinkAndConfirm(browser, link))
    const done = await browser.submit(await form.text(), { password: 'brand-new-pass-1', password_confirm: 'brand-new-pass-1' })
    expect(done.status).toBe(200)
    const cleared = done.headers.getSetCookie().map(parseSetCookie).find((c) => c.name === '__Host-auth-confirmed-link')
    expect(cleared?.maxAge).toBe(0)
    const again = await browser.get(link)
    expect(again.status).toBe(200) // back to the interstitial; pressing it now says "expired"
  })
})

describe('PASSWORD_MIN_LENGTH other than 8', () => {
  it('reaches the form hint, the minlength attribute and the error', async () => {
    const user = await newUser()
    const browser = new Browser({ fetcher: withBindings({ PASSWORD_MIN_LENGTH: '12' }) })
    const form = await (await reachUpdateForm(browser, user)).text()
    expect(form).toContain('At least 12 characters.')
    expect(form).toContain('minlength="12"')
    const short = await browser.submit(form, { password: 'elevenchars', password_confirm: 'elevenchars' })
    expect(short.status).toBe(400)
    expect(await short.text()).toContain('Use at least 12 characters.')
  })
})

describe('the 72-byte cap (bcrypt; Supabase refuses longer)', () => {
  it('accepts exactly 72 bytes and refuses 73, counting bytes not characters', async () => {
    const user = await newUser()
    const browser = new Browser()
    const form = await (await reachUpdateForm(browser, user)).text()
    const tooLong = `${'é'.repeat(36)}x` // 37 characters, 73 bytes
    const refused = await browser.submit(form, { password: tooLong, password_confirm: tooLong })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Use a shorter password: at most 72 bytes (accented letters, emoji and non-Latin scripts take 2 to 4 bytes each).')
    const exactly = `${'é'.repeat(35)}ab` // 37 characters, 72 bytes
    const accepted = await browser.submit(form, { password: exactly, password_confirm: exactly })
    expect(accepted.status).toBe(200)
    expect((await signInWith(user.email, exactly)).error).toBeNull()
  })
})

describe('Supabase answering 429 to the code form', () => {
  it('shows the limit on the form with Retry-After', async () => {
    const user = await newUser()
    await control().injectFault({
      path: '/auth/v1/verify',
      method: 'POST',
      status: 429,
      body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' },
    })
    const browser = new Browser()
    const page = await browser.get('/account/verify-code')
    const res = await browser.submit(await page.text(), { email: user.email, code: '123456' })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('60')
    expect(await res.text()).toContain('Too many attempts')
  })
})

describe('sign-out', () => {
  it('clears this browser’s session even while Supabase is down, and says so plainly', async () => {
    const user = await newUser()
    const browser = new Browser()
    const form = await (await reachUpdateForm(browser, user)).text()
    expect(browser.cookieNames()).toContain('sb-127-auth-token')
    await control().injectFault({ path: '/auth/v1/logout', method: 'POST', status: 503, times: 1 })
    const signOutForm = /<form method="post" action="\/account\/sign-out"[\s\S]*?<\/form>/.exec(form)?.[0] ?? ''
    const res = await browser.submit(signOutForm)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('You are signed out')
    expect(browser.cookieNames()).not.toContain('sb-127-auth-token')
  })

  it('while Supabase is down, with COOKIE_DOMAIN: clears the domain-wide and the host-only copies, and the code verifier', async () => {
    const user = await newUser()
    const browser = new Browser({ fetcher: withBindings({ COOKIE_DOMAIN: '.example.com' }) })
    const form = await (await reachUpdateForm(browser, user)).text()
    // Left from before COOKIE_DOMAIN was set, and from a flow that never finished.
    browser.jar.set('sb-127-auth-token-code-verifier', 'base64-InZlcmlmaWVyIg')
    await control().injectFault({ path: '/auth/v1/logout', method: 'POST', status: 503, times: 1 })
    const res = await browser.submit(/<form method="post" action="\/account\/sign-out"[\s\S]*?<\/form>/.exec(form)?.[0] ?? '')
    expect(res.status).toBe(200)
    const deleted = res.headers.getSetCookie().map(parseSetCookie).filter((line) => line.maxAge === 0 && line.name.startsWith('sb-127'))
    // @supabase/ssr deletes them too (auth-js drops a local session before calling logout); what counts is that both copies go.
    const copies = (name: string) => [...new Set(deleted.filter((line) => line.name === name).map((line) => line.attributes.domain ?? 'host-only'))].sort()
    expect(copies('sb-127-auth-token')).toEqual(['.example.com', 'host-only'])
    expect(copies('sb-127-auth-token-code-verifier')).toEqual(['.example.com', 'host-only'])
  })

  it('while Supabase is down, a planted cookie name no Set-Cookie can carry is left alone: still 200', async () => {
    const user = await newUser()
    const browser = new Browser()
    const form = await (await reachUpdateForm(browser, user)).text()
    browser.jar.set('sb-127-auth-token.(', '1')
    await control().injectFault({ path: '/auth/v1/logout', method: 'POST', status: 503, times: 1 })
    const res = await browser.submit(/<form method="post" action="\/account\/sign-out"[\s\S]*?<\/form>/.exec(form)?.[0] ?? '')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('You are signed out')
    expect(browser.cookieNames()).not.toContain('sb-127-auth-token')
  })

  it('ends only this browser’s session: the same account’s reset in another browser still goes through (scope=local)', async () => {
    const user = await newUser()
    const here = new Browser()
    const form = await (await reachUpdateForm(here, user)).text()
    // The same account's reset open in a second browser (a second link, minted for the same address).
    const there = new Browser()
    const minted = await control().mintToken({ email: user.email, type: 'recovery' })
    const landed = await there.follow(await openLinkAndConfirm(there, `/auth/confirm?token_hash=${minted.token_hash}&type=recovery`))
    expect(landed.status).toBe(200)
    expect(await control().sessionCount(user.email)).toBe(2)
    await control().clearRequests()
    const out = await here.submit(/<form method="post" action="\/account\/sign-out"[\s\S]*?<\/form>/.exec(form)?.[0] ?? '')
    expect(await out.text()).toContain('You are signed out')
    expect((await control().requests()).filter((r) => r.path === '/auth/v1/logout').map((r) => r.query.scope)).toEqual(['local'])
    expect(await control().sessionCount(user.email)).toBe(1)
    const changed = await submitNewPassword(there, 'set from the other browser 1')
    expect(changed.status).toBe(200)
    expect((await signInWith(user.email, 'set from the other browser 1')).error).toBeNull()
  })

  it('GET shows the button and changes nothing', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const page = await browser.get('/account/sign-out')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<form method="post" action="/account/sign-out"')
    expect(browser.cookieNames()).toContain('sb-127-auth-token')
  })
})

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u0000', 'a'.repeat(5000), '%0d%0aSet-Cookie:x=1', '😀'.repeat(40), '//evil.example', 'javascript:alert(1)']

describe('hostile values on the new-password form, with a valid recovery session', () => {
  it('each gets a clear answer: never a 5xx, never reflected raw, never logged', async () => {
    const user = await newUser()
    const browser = new Browser()
    const form = await (await reachUpdateForm(browser, user)).text()
    const { lines } = await captureLogs(async () => {
      for (const value of HOSTILE) {
        for (const fields of <Record<string, string>[]>[
          { password: value, password_confirm: value },
          { password: value, password_confirm: 'different' },
          { password: 'a fine password 1', password_confirm: 'a fine password 2', next: value },
        ]) {
          const res = await browser.submit(form, fields)
          expect(res.status, JSON.stringify(fields).slice(0, 60)).toBeLessThan(500)
          const html = await res.text()
          if (value.includes('<')) expect(html).not.toContain(value)
          expect(html).not.toMatch(/TypeError|\bat [\w.]+ \(/)
        }
      }
    })
    for (const value of HOSTILE.filter((v) => v.length >= 8)) expect(lines.join('\n')).not.toContain(value)
  })
})
