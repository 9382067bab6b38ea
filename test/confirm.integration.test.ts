/**
 * /auth/confirm failures and variants: every reason a link can fail for, the `?code=` path, the
 * other-device case, GoTrue's own error redirects, and upstream trouble (stand-in fault injection).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Browser, parseForms } from './browser'
import { configuredLimiters, withBindings, withLimiters } from './deployment'
import { anyNext, SEED } from './redirect-oracle'
import { captureLogs, codeLinkFor, control, newUser, openLinkAndConfirm, recoveryEmail, requestRecovery } from './flow'

/** What the page says for each failure that leaves the link usable (English catalogue). */
const NOTICES: Record<string, string> = {
  rate_limited: 'Too many attempts. Wait a minute, then try again.',
  upstream_timeout: 'The sign-in service is taking too long. We could not tell whether it went through. Try again in a moment.',
  upstream_unavailable: 'The sign-in service is having trouble. Nothing was changed; your link may still work. Try again in a few minutes.',
}

async function freshLink(browser = new Browser()) {
  const user = await newUser()
  await requestRecovery(browser, user.email)
  const { link } = await recoveryEmail(user.email)
  return { user, browser, link }
}

/** Follow the failure redirect and return the reason and the page. */
async function failure(browser: Browser, res: Response) {
  expect(res.status).toBe(303)
  const location = res.headers.get('location') ?? ''
  expect(location).toMatch(/^\/auth\/auth-code-error\?reason=[a-z_]+$/)
  const page = await browser.follow(res)
  return { reason: new URL(location, 'https://x').searchParams.get('reason'), status: page.status, html: await page.text() }
}

describe('/auth/confirm refuses bad links with a page that says what to do', () => {
  it.each([
    ['no parameters', '/auth/confirm'],
    ['no type', '/auth/confirm?token_hash=0123456789abcdef0123456789abcdef'],
    ['an unknown type', '/auth/confirm?token_hash=0123456789abcdef0123456789abcdef&type=sms'],
    ['a token hash with bad characters', '/auth/confirm?token_hash=%3Cscript%3E0123456789abcdef&type=recovery'],
    ['a truncated token hash', '/auth/confirm?token_hash=abc&type=recovery'],
    ['a malformed code', '/auth/confirm?code=%27%20OR%201%3D1'],
  ])('%s → link_invalid', async (_name, path) => {
    const browser = new Browser()
    const result = await failure(browser, await browser.get(path))
    expect(result.reason).toBe('link_invalid')
    expect(result.status).toBe(400)
    expect(result.html).toContain('This link is not complete')
  })

  it('a well-formed hash that Supabase does not know → link_expired (410)', async () => {
    const browser = new Browser()
    const page = await browser.get(`/auth/confirm?token_hash=${'a'.repeat(56)}&type=recovery`)
    const result = await failure(browser, await browser.submit(await page.text()))
    expect(result).toMatchObject({ reason: 'link_expired', status: 410 })
  })

  it('an expired link → link_expired, offering the code and a new link', async () => {
    const { browser, link } = await freshLink()
    // Two hours pass (the stand-in's OTP expiry is one hour).
    await control().advanceClock(2 * 3600)
    try {
      const result = await failure(browser, await openLinkAndConfirm(browser, link))
      expect(result.reason).toBe('link_expired')
      // The code in the same email died with the link: a new link comes first.
      expect(result.html).toMatch(/Send me a new link[\s\S]*I have a code from a newer email/)
      expect(result.html).not.toContain('Enter the 6-digit code from the email instead')
    } finally {
      await control().advanceClock(-2 * 3600)
    }
  })

  it('a link superseded by a newer request → link_expired', async () => {
    const { user, browser, link } = await freshLink()
    await control().advanceClock(120) // past Supabase's per-user resend gap
    try {
      await control().clearMessages()
      await requestRecovery(browser, user.email)
      const newer = await control().latestMessageTo(user.email, { timeoutMs: 5000 })
      expect(newer.HTML).not.toContain(new URL(link).searchParams.get('token_hash'))
      expect((await failure(browser, await openLinkAndConfirm(browser, link))).reason).toBe('link_expired')
    } finally {
      await control().advanceClock(-120)
    }
  })

  it.each([
    ['otp_expired', 'link_expired'],
    ['flow_state_not_found', 'link_expired'],
    ['validation_failed', 'link_invalid'],
    ['user_banned', 'account_unavailable'],
    ['over_request_rate_limit', 'rate_limited'],
    ['<script>', 'link_invalid'],
  ])("Supabase's error redirect with error_code=%s → %s", async (code, reason) => {
    const browser = new Browser()
    const query = new URLSearchParams({
      next: '/account/update-password',
      error: 'access_denied',
      error_code: code,
      error_description: 'Email link is invalid or has expired <b>',
    })
    const result = await failure(browser, await browser.get(`/auth/confirm?${query}`))
    expect(result.reason).toBe(reason)
    expect(result.html).not.toContain('Email link is invalid') // Supabase's words never reach the page
  })
})

describe('/auth/confirm when Supabase Auth misbehaves', () => {
  it.each([
    { name: 'answers 500', fault: { status: 500, body: { code: 'unexpected_failure', message: 'boom' } }, reason: 'upstream_unavailable', status: 502 },
    { name: 'answers 503 with HTML', fault: { status: 503, body: '<html>maintenance</html>' }, reason: 'upstream_unavailable', status: 502 },
    // A success status is Supabase having acted (a spent link) even when the body is lost: "could not tell", never "nothing was changed".
    { name: 'answers 200 with a malformed body', fault: { status: 200, body: 'malformed' }, reason: 'upstream_timeout', status: 504 },
    { name: 'answers 200 without a session', fault: { status: 200, body: { foo: 1 } }, reason: 'upstream_timeout', status: 504 },
    { name: 'is behind a gateway that times out (504 HTML)', fault: { status: 504, body: '<html>504 Gateway Time-out</html>' }, reason: 'upstream_timeout', status: 504 },
    { name: 'drops the connection', fault: { drop: true }, reason: 'upstream_unavailable', status: 502 },
    { name: 'is slower than the timeout', fault: { delay_ms: 4000 }, reason: 'upstream_timeout', status: 504 },
    {
      name: 'rate-limits us',
      fault: { status: 429, body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' } },
      reason: 'rate_limited',
      status: 429,
    },
  ])('$name → the button again with the $reason notice ($status), and pressing it works once Supabase is back', async ({ fault, reason, status }) => {
    const { browser, link } = await freshLink()
    const page = await browser.get(link)
    const opened = await page.text()
    await control().injectFault({ path: '/auth/v1/verify', method: 'POST', times: 1, ...fault })
    const { lines, result: failed } = await captureLogs(() => browser.submit(opened))
    // No trip to the error page and back to the email: the same button, with what happened.
    expect(failed.status).toBe(status)
    expect(failed.headers.get('location')).toBeNull()
    expect(failed.headers.get('retry-after')).toBe(status === 429 ? '60' : null)
    expect(failed.headers.get('cache-control')).toContain('no-store')
    const html = await failed.text()
    expect(html).toContain(NOTICES[reason])
    expect(html).toContain('role="alert"')
    expect(parseForms(html)[0]?.fields).toMatchObject({ token_hash: parseForms(opened)[0]?.fields.token_hash, type: 'recovery', next: '/account/update-password' })
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.route === '/auth/confirm')).toMatchObject({ reason, status })
    // Nothing was spent: pressing the button on that page works.
    expect((await browser.submit(html)).headers.get('location')).toBe('/account/update-password')
  })

  it('the button again does not carry on a `next` over 2,048 characters (refused whatever it says)', async () => {
    const { browser, link } = await freshLink()
    const long = `/${'n'.repeat(5_000)}`
    const opened = await (await browser.get(`${link.replace(/&next=[^&]*/, '')}&next=${long}`)).text()
    expect(opened).not.toContain('n'.repeat(100))
    await control().injectFault({ path: '/auth/v1/verify', method: 'POST', times: 1, status: 503, body: 'unavailable' })
    // The button's form as a person with a hand-edited page would send it: with the long next.
    const { csrf_token, token_hash, type } = parseForms(opened)[0]?.fields ?? {}
    const failed = await browser.post('/auth/confirm', { csrf_token: csrf_token ?? '', token_hash: token_hash ?? '', type: type ?? '', next: long })
    expect(failed.status).toBe(502)
    const html = await failed.text()
    expect(html).not.toContain('n'.repeat(100))
    expect(parseForms(html)[0]?.fields).not.toHaveProperty('next')
  })

  it('Supabase spent the link but the answer timed out: the next press says the link is used, with a way forward', async () => {
    const { browser, link } = await freshLink()
    const opened = await (await browser.get(link)).text()
    // The stand-in waits past our timeout, then verifies (spending the token) for nobody.
    await control().clearRequests()
    await control().injectFault({ path: '/auth/v1/verify', method: 'POST', times: 1, delay_ms: 4000 })
    const failed = await browser.submit(opened)
    expect(failed.status).toBe(504)
    for (let waited = 0; !(await control().requests()).some((r) => r.path === '/auth/v1/verify' && r.status === 200); waited += 50) {
      expect(waited).toBeLessThan(5000)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const result = await failure(browser, await browser.submit(await failed.text()))
    expect(result).toMatchObject({ reason: 'link_expired', status: 410 })
    expect(result.html).toContain('href="/account/forgot-password"')
  })
})

describe('/auth/confirm?code= (links from {{ .ConfirmationURL }})', () => {
  /** The /auth/confirm?code= URL Supabase's GET /verify redirects to for the emailed link, with `next`. */
  const codeRedirect = (link: string, next = '/account/update-password') =>
    codeLinkFor(link, `https://auth.example.com/auth/confirm?next=${encodeURIComponent(next)}`)

  it('exchanges the code in the browser that asked for the reset', async () => {
    const { browser, link } = await freshLink()
    const confirmUrl = await codeRedirect(link)
    const res = await browser.get(confirmUrl)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/update-password')
    expect((await browser.follow(res)).status).toBe(200)
  })

  it('a HEAD spends nothing: the same link still works on GET afterwards', async () => {
    const { browser, link } = await freshLink()
    const confirmUrl = await codeRedirect(link)
    await control().clearRequests()
    const head = await browser.request(confirmUrl, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('location')).toBeNull()
    expect((await control().requests()).filter((r) => r.path === '/auth/v1/token')).toEqual([])
    const res = await browser.get(confirmUrl)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/update-password')
  })

  it('a refused next falls back to the form, and the log line still says the code was confirmed', async () => {
    const { browser, link } = await freshLink()
    const confirmUrl = await codeRedirect(link, 'https://evil.example/')
    const { result: res, lines } = await captureLogs(() => browser.get(confirmUrl))
    expect(res.headers.get('location')).toBe('/account/update-password')
    const line = lines.map((l) => { try { return JSON.parse(l) as { msg?: string; reason?: string } } catch { return {} } }).find((l) => l.msg === 'request')
    expect(line?.reason).toBe('confirmed_code_recovery')
  })

  it('explains the other-device case when the code verifier cookie is absent', async () => {
    const { link } = await freshLink()
    const confirmUrl = await codeRedirect(link)
    const phone = new Browser()
    const result = await failure(phone, await phone.get(confirmUrl))
    expect(result.reason).toBe('other_device')
    expect(result.html).toContain('Open this link in the browser where you asked for it')
    expect(result.html).toContain('href="/account/verify-code"')
    expect(result.html).toContain('href="/account/forgot-password"')
  })

  it('when Supabase refuses the exchange with its rate limit (429), the same link works a minute later', async () => {
    const { browser, link } = await freshLink()
    const confirmUrl = await codeRedirect(link)
    await control().injectFault({ path: '/auth/v1/token', method: 'POST', times: 1, status: 429, body: { code: 429, error_code: 'over_request_rate_limit', msg: 'Request rate limit reached' } })
    const refused = await browser.get(confirmUrl)
    expect(refused.headers.get('location')).toBe('/auth/auth-code-error?reason=rate_limited')
    // Nothing was spent: the code is unused and this browser still holds its verifier.
    const again = await browser.get(confirmUrl)
    expect([again.status, again.headers.get('location')]).toEqual([303, '/account/update-password'])
  })

  it('continues when the same browser opens the code link again (reload, back button)', async () => {
    const { browser, link } = await freshLink()
    const confirmUrl = await codeRedirect(link)
    expect((await browser.get(confirmUrl)).headers.get('location')).toBe('/account/update-password')
    const again = await browser.get(confirmUrl)
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/account/update-password')
  })

  it('counts the exchange against the per-IP confirm limit once; a reload in the same browser is not charged', async () => {
    const limiters = configuredLimiters()
    const browser = new Browser({ fetcher: withBindings(limiters) })
    const { link } = await freshLink(browser)
    const confirmUrl = await codeRedirect(link)
    expect((await browser.get(confirmUrl)).headers.get('location')).toBe('/account/update-password')
    expect((await browser.get(confirmUrl)).headers.get('location')).toBe('/account/update-password')
    expect(limiters.CONFIRM_IP_LIMITER.calls).toHaveLength(1)
  })

  it('refuses a code used twice, even with the verifier', async () => {
    const { browser, link } = await freshLink()
    const confirmUrl = await codeRedirect(link)
    // A copy of the same browser profile, taken before the first use.
    const copy = new Browser({ ip: browser.ip })
    for (const [name, value] of browser.jar) copy.jar.set(name, value)
    expect((await browser.get(confirmUrl)).headers.get('location')).toBe('/account/update-password')
    expect((await failure(copy, await copy.get(confirmUrl))).reason).toBe('link_expired')
  })
})

describe('edge limits on confirming links', () => {
  it('limits confirmations per IP: the 21st press gets the button again, 429 with Retry-After, and nothing reaches Supabase', async () => {
    const browser = new Browser({ fetcher: withLimiters() })
    const page = await browser.get(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=recovery`)
    const html = await page.text()
    const reasons: (string | null)[] = []
    for (let i = 0; i < 20; i++) {
      const res = await browser.submit(html)
      reasons.push(new URL(res.headers.get('location') ?? '/', 'https://x').searchParams.get('reason'))
    }
    expect(reasons.every((r) => r === 'link_expired')).toBe(true)
    await control().clearRequests()
    const limited = await browser.submit(html)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('location')).toBeNull()
    expect(limited.headers.get('retry-after')).toBe('60')
    const again = await limited.text()
    expect(again).toContain(NOTICES.rate_limited)
    expect(parseForms(again)[0]?.fields.token_hash).toBe('e'.repeat(56))
    expect((await control().requests()).filter((r) => r.path === '/auth/v1/verify')).toEqual([])
  })

  it('a POST too malformed to show again is still charged, and goes to the error page once over the limit', async () => {
    const browser = new Browser({ fetcher: withLimiters() })
    const html = await (await browser.get(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=recovery`)).text()
    for (let i = 0; i < 20; i++) await browser.submit(html, { token_hash: '<bad>' })
    const res = await browser.submit(html, { token_hash: '<bad>' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/auth/auth-code-error?reason=rate_limited')
  })
})

describe('a refused press, for generated hostile values (property)', () => {
  it('shows back exactly what was sent, in the one same-origin form, and sends nothing on (200 values)', async () => {
    // A limiter that refuses every press: each POST gets the button again.
    const refusing = { limit: async () => ({ success: false }) }
    const browser = new Browser({ fetcher: withBindings({ CONFIRM_IP_LIMITER: refusing }) })
    const tokenHash = `pkce_${'f'.repeat(56)}`
    const html = await (await browser.get(`/auth/confirm?token_hash=${tokenHash}&type=recovery`)).text()
    await control().clearRequests()
    for (const raw of fc.sample(anyNext, { numRuns: 200, seed: SEED })) {
      const sent = new URLSearchParams({ next: raw }).get('next') ?? '' // what form encoding carries
      const res = await browser.submit(html, { next: raw })
      const page = await res.text()
      const where = `next=${JSON.stringify(raw)}`
      expect(res.status, where).toBe(429)
      expect(res.headers.get('location'), where).toBeNull()
      expect(res.headers.get('cache-control'), where).toContain('no-store')
      const forms = parseForms(page)
      expect(forms.map((f) => `${f.method} ${f.action}`), where).toEqual(['post /auth/confirm'])
      expect(forms[0]?.fields, where).toMatchObject({ token_hash: tokenHash, type: 'recovery', next: sent })
      // Every address on the page stays on this origin (its own paths, assets, the skip link): nothing the value could plant.
      for (const [, url] of page.matchAll(/\s(?:href|src|action)="([^"]*)"/g)) expect(url, where).toMatch(/^(?:\/(?!\/)|#[a-z]+$)/)
    }
    expect((await control().requests()).filter((r) => r.path === '/auth/v1/verify')).toEqual([])
  })
})

describe('edge limits on every way a link is confirmed', () => {
  /** The reason of each of 21 GETs of `path` from one IP, with the configured limits. */
  async function reasonsOf21(path: string, bindings: Record<string, unknown> = {}) {
    const limiters = configuredLimiters()
    const browser = new Browser({ fetcher: withBindings({ ...limiters, ...bindings }) })
    const reasons: (string | null)[] = []
    let last: Response | undefined
    for (let i = 0; i < 21; i++) {
      last = await browser.get(path)
      reasons.push(new URL(last.headers.get('location') ?? '/', 'https://x').searchParams.get('reason'))
    }
    return { reasons, charged: limiters.CONFIRM_IP_LIMITER.calls.length, last: last! }
  }

  it('CONFIRM_MODE=direct: a recovery link verified on GET counts like the button (21st → its button, 429)', async () => {
    const { reasons, last } = await reasonsOf21(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=recovery`, { CONFIRM_MODE: 'direct' })
    expect(reasons.slice(0, 20).every((r) => r === 'link_expired')).toBe(true)
    expect(reasons[20]).toBeNull()
    expect(last.status).toBe(429)
    const html = await last.text()
    expect(html).toContain(NOTICES.rate_limited)
    expect(parseForms(html)[0]?.fields).toMatchObject({ token_hash: 'e'.repeat(56), type: 'recovery' })
  })

  it('a ?code= link counts too (21st → rate_limited)', async () => {
    const { reasons } = await reasonsOf21('/auth/confirm?code=0b7c1e1a-3f47-4a0e-9d8c-1c2f0e6a9b11')
    expect(reasons.slice(0, 20).every((r) => r === 'other_device')).toBe(true)
    expect(reasons[20]).toBe('rate_limited')
  })

  it('the interstitial GET spends nothing and is never charged', async () => {
    const { reasons, charged } = await reasonsOf21(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=recovery`)
    expect(reasons.every((r) => r === null)).toBe(true)
    expect(charged).toBe(0)
  })
})

describe('what /auth/confirm leaves in the log and at Supabase', () => {
  it('an interstitial whose next goes elsewhere logs the refusal (next_refused_origin_not_allowed) and still shows the button', async () => {
    const { result, lines } = await captureLogs(() =>
      new Browser().get(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=recovery&next=${encodeURIComponent('https://evil.example')}`),
    )
    expect(result.status).toBe(200)
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request')
    expect(line).toMatchObject({ method: 'GET', route: '/auth/confirm', status: 200, reason: 'next_refused_origin_not_allowed' })
  })

  it('a token hash with a percent sign is refused as link_invalid and never reaches Supabase, not even on the button', async () => {
    const browser = new Browser()
    const tokenHash = `${'a'.repeat(28)}%${'b'.repeat(27)}`
    await control().clearRequests()
    const res = await openLinkAndConfirm(browser, `/auth/confirm?token_hash=${encodeURIComponent(tokenHash)}&type=recovery`)
    expect((await failure(browser, res)).reason).toBe('link_invalid')
    expect((await control().requests()).filter((r) => r.path.endsWith('/verify'))).toEqual([])
  })
})

describe('the interstitial names what the link does', () => {
  it.each([
    ['recovery', 'Reset your password', 'Continue to choose a new password'],
    ['invite', 'Accept your invitation', 'Continue to set your password'],
    ['magiclink', 'Sign in', 'Continue to sign in'],
    ['signup', 'Confirm your email address', 'Confirm my email address'],
    ['email_change', 'Confirm your new email address', 'Confirm the change'],
  ])('%s: "%s"', async (type, title, button) => {
    const html = await (await new Browser().get(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=${type}`)).text()
    expect(html).toContain(`<title>${title} · `)
    expect(html).toContain(`<h1>${title}</h1>`)
    expect(html).toContain(`<button type="submit">${button}</button>`)
  })
})

describe('/auth/auth-code-error', () => {
  it('link_invalid: a new link as the main button, the code from the email as the other way', async () => {
    const html = await (await new Browser().get('/auth/auth-code-error?reason=link_invalid')).text()
    expect(html).toContain(
      '<ul class="actions"><li><a class="button" href="/account/forgot-password">Send me a new link</a></li><li><a class="button secondary" href="/account/verify-code">Enter the 6-digit code from the email instead</a></li></ul>',
    )
  })

  it.each([
    // A sign-up, magic-link or email-change link: the site is the way forward for a used or broken link.
    ['link_invalid&for=site', '<li><a class="button" href="https://www.example.com/">Back to the site</a></li>'],
    ['link_expired&for=site', '<li><a class="button" href="https://www.example.com/">Back to the site</a></li>'],
    // Anything else keeps its own way forward: trouble upstream is not the link's type.
    ['upstream_unavailable&for=site', '<li><a class="button" href="/account/forgot-password">Start again</a></li>'],
    // Only the exact word counts.
    [
      'link_invalid&for=elsewhere',
      '<li><a class="button" href="/account/forgot-password">Send me a new link</a></li><li><a class="button secondary" href="/account/verify-code">Enter the 6-digit code from the email instead</a></li>',
    ],
  ])('?reason=%s offers exactly %s', async (query, actions) => {
    const html = await (await new Browser().get(`/auth/auth-code-error?reason=${query}`)).text()
    expect(/<ul class="actions">([\s\S]*?)<\/ul>/.exec(html)?.[1]).toBe(actions)
  })

  it.each([
    ['link_expired', 410],
    ['other_device', 400],
    ['account_unavailable', 403],
    // Failures of the request that redirected here, answered and logged with their status there: the
    // page explaining them is no outage of its own (a bare GET must not fake 5xx figures).
    ['upstream_timeout', 200],
    ['upstream_unavailable', 200],
    ['unexpected', 200],
    ['rate_limited', 200],
    ['weak_password', 400], // a form-only reason: shown as an incomplete link, not an empty page
    ['nonsense', 400],
  ])('?reason=%s → %i', async (reason, status) => {
    const { result: res, lines } = await captureLogs(() => new Browser().get(`/auth/auth-code-error?reason=${reason}`))
    expect(res.status).toBe(status)
    expect(res.headers.has('retry-after')).toBe(false)
    expect(await res.text()).toContain('href="/account/forgot-password"')
    // Nor a second outcome in the log: the redirect to it already counted.
    expect(lines.join('\n')).not.toContain('"reason"')
  })
})
