/**
 * Log hygiene: one JSON line per request (and nothing else on the happy path), and no secret or
 * personal value in any log line, through the whole flow and its failures.
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, inject, it } from 'vitest'
import app from '../src/index'
import { Browser, type Fetcher } from './browser'
import { captureLogs, control, management, newUser, reachUpdateForm, recoveryEmail, requestRecovery, submitNewPassword } from './flow'

// A test that fails while Supabase's limits are tightened must not leave them so for the files after it.
afterEach(async () => {
  await control().setLimits({ preset: 'cli' })
})

/** Answers as the Worker does and waits for its waitUntil work, so background log lines land in a capture. */
const waitingFetcher: Fetcher = async (request) => {
  const ctx = createExecutionContext()
  const res = await app.fetch(request, env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('logs', () => {
  it('are exactly one request line per request over a whole reset; a reset email that fails says so', async () => {
    let requests = 0
    // Waits for waitUntil work too, so the background email's lines (if any) land in the capture.
    const fetcher: Fetcher = async (request) => {
      requests++
      const ctx = createExecutionContext()
      const res = await app.fetch(request, env, ctx)
      await waitOnExecutionContext(ctx)
      return res
    }
    const user = await newUser()
    const { lines } = await captureLogs(async () => {
      const browser = new Browser({ fetcher })
      await reachUpdateForm(browser, user)
      expect((await submitNewPassword(browser, 'one line per request')).status).toBe(200)
    })
    expect(requests).toBeGreaterThanOrEqual(6)
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(Array<string>(requests).fill('request'))

    // Supabase failing to send: the person sees the same page, the log says what happened.
    await control().injectFault({ path: '/auth/v1/recover', status: 500, body: { code: 'unexpected_failure', message: 'x' } })
    const failed = await captureLogs(() => requestRecovery(new Browser({ fetcher }), user.email))
    expect(failed.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg !== 'request')).toEqual([
      { msg: 'reset_email', id: expect.any(String), outcome: 'upstream_unavailable' },
    ])

    // A project with CAPTCHA on refuses the Worker's request (it sends no token): its own outcome, as no email ever goes.
    await control().injectFault({ path: '/auth/v1/recover', status: 400, body: { code: 400, error_code: 'captcha_failed', msg: 'captcha protection: request disallowed (no captcha_token found)' } })
    const captcha = await captureLogs(() => requestRecovery(new Browser({ fetcher }), user.email))
    expect(captcha.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg !== 'request')).toEqual([
      { msg: 'reset_email', id: expect.any(String), outcome: 'captcha_required' },
    ])

    // Supabase's own SMTP (team addresses only) and its email validation refuse to send: their own words too
    // (another account each: our per-address limit would refuse a fifth request for this one first).
    for (const [errorCode, message] of [
      ['email_address_not_authorized', 'Email address "%s" cannot be used as it is not authorized'],
      ['email_address_invalid', 'Email address "%s" is invalid'],
    ] as const) {
      const other = await newUser()
      await control().injectFault({ path: '/auth/v1/recover', status: 400, body: { code: 400, error_code: errorCode, msg: message.replace('%s', other.email) } })
      const refused = await captureLogs(() => requestRecovery(new Browser({ fetcher }), other.email))
      expect(refused.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg !== 'request')).toEqual([
        { msg: 'reset_email', id: expect.any(String), outcome: errorCode },
      ])
      expect(refused.lines.join('\n')).not.toContain(other.email)
    }
  })

  it('say email_provider_disabled when the project\'s Email provider is off, and the page still says "check your email"', async () => {
    const user = await newUser()
    await management('PATCH', { external_email_enabled: false })
    try {
      const browser = new Browser({ fetcher: waitingFetcher })
      const { result: page, lines } = await captureLogs(() => requestRecovery(browser, user.email))
      // Every address is refused alike, but the page answers before Supabase does, as for any address.
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Check your email')
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg !== 'request')).toEqual([
        { msg: 'reset_email', id: expect.any(String), outcome: 'email_provider_disabled' },
      ])
      expect((await control().messages()).filter((m) => m.To.some((to) => to.Address === user.email))).toEqual([])
    } finally {
      await management('PATCH', { external_email_enabled: true })
    }
  })

  it('never contain token hashes, codes, passwords, cookies, tokens or email addresses', async () => {
    const user = await newUser()
    const newPassword = 'log hygiene new password'
    const browser = new Browser()
    const secrets: string[] = [user.email, user.password, newPassword]

    const { lines } = await captureLogs(async () => {
      await requestRecovery(browser, user.email)
      const email = await recoveryEmail(user.email)
      const tokenHash = new URL(email.link).searchParams.get('token_hash') ?? ''
      secrets.push(tokenHash, email.code ?? 'no-code')
      // Failures first: a wrong code, a forged post, a link opened while Supabase is down.
      const codePage = await browser.get('/account/verify-code')
      await browser.submit(await codePage.text(), { email: user.email, code: '999999' })
      await browser.post('/account/forgot-password', { email: user.email, csrf_token: 'forged' })
      const opened = await browser.get(email.link)
      const html = await opened.text()
      await control().injectFault({ path: '/auth/v1/verify', status: 500, body: { code: 'unexpected_failure', message: tokenHash } })
      await browser.submit(html)
      // Then the real thing.
      const confirmed = await browser.submit(html)
      expect(confirmed.headers.get('location')).toBe('/account/update-password')
      await submitNewPassword(browser, 'short', 'mismatch')
      expect((await submitNewPassword(browser, newPassword)).status).toBe(200)
      for (const value of browser.jar.values()) secrets.push(value)
      await requestRecovery(new Browser(), `nobody-${user.email}`)
    })

    expect(lines.length).toBeGreaterThan(10)
    const all = lines.join('\n')
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(4)
      expect(all).not.toContain(secret)
    }
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/) // no JWTs
    expect(all).not.toMatch(/@example\.com/)
    // Every request line is structured.
    const requestLines = lines.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(requestLines.length).toBeGreaterThan(8)
    for (const line of requestLines) {
      expect(line).toMatchObject({ msg: 'request', method: expect.any(String), route: expect.any(String), status: expect.any(Number) })
      expect(typeof line.id).toBe('string')
      expect(typeof line.ms).toBe('number')
    }
    expect(requestLines.map((l) => l.reason)).toEqual(
      expect.arrayContaining(['reset_requested', 'code_invalid', 'csrf_rejected', 'upstream_unavailable', 'confirmed_recovery', 'password_invalid', 'password_updated']),
    )
  })

  it('name the request by Cloudflare\'s ray id, the route pattern (`unmatched` when no route answered) and the calls to Supabase', async () => {
    const user = await newUser()
    const browser = new Browser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    const page = await (await browser.get(link)).text()
    const { lines } = await captureLogs(async () => {
      await browser.submit(page)
      await browser.get('/no-such-page', { 'cf-ray': '8f0a1b2c3d4e5f60-FRA' })
    })
    const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request')
    expect(requestLines).toEqual([
      expect.objectContaining({ method: 'POST', route: '/auth/confirm', status: 303, reason: 'confirmed_recovery', upstream_calls: 1 }),
      expect.objectContaining({ id: '8f0a1b2c3d4e5f60-FRA', method: 'GET', route: 'unmatched', status: 404 }),
    ])
  })

  it('never contain SUPABASE_SECRET_KEY, and neither do pages, headers or cookies, even when Supabase refuses', async () => {
    const secret = inject('secretKey')
    const bindings = { ...env, SUPABASE_PUBLISHABLE_KEY: inject('publishableKey'), SUPABASE_SECRET_KEY: secret }
    const seen: string[] = []
    // Every response the person gets, recorded whole: status line, headers (cookies included) and body.
    const fetcher: Fetcher = async (request) => {
      const ctx = createExecutionContext()
      const res = await app.fetch(request, bindings, ctx)
      await waitOnExecutionContext(ctx)
      const body = await res.clone().text()
      seen.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${body}`)
      return res
    }
    const user = await newUser()
    const browser = new Browser({ fetcher })
    const { lines } = await captureLogs(async () => {
      await requestRecovery(browser, user.email)
      const email = await recoveryEmail(user.email)
      // Supabase down, then Supabase's limits, then the real thing.
      const html = await (await browser.get(email.link)).text()
      await control().injectFault({ path: '/auth/v1/verify', status: 500 })
      await browser.submit(html)
      await control().setLimits({ preset: 'hosted', burst: 0 })
      expect((await browser.submit(html)).status).toBe(429) // the button again, with the wait
      await requestRecovery(new Browser({ fetcher }), user.email)
      await control().setLimits({ preset: 'cli' })
      await browser.follow(await browser.submit(html))
      expect((await submitNewPassword(browser, 'secret key hygiene password')).status).toBe(200)
    })
    expect(lines.some((l) => l.includes('"upstream_refused":"over_request_rate_limit"'))).toBe(true)
    expect(seen.length).toBeGreaterThan(6)
    for (const text of [...lines, ...seen, ...browser.jar.values()]) expect(text).not.toContain(secret)
  })
})
