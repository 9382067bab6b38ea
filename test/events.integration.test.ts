/**
 * Auth events (src/events.ts): one Analytics Engine data point per flow outcome, with the site as index,
 * fixed codes as blobs and upstream time and calls as doubles; never personal data. Workers' local
 * Analytics Engine binding accepts writes but cannot be read back, so the deployment is run with a
 * recording AUTH_EVENTS binding (our own boundary: `writeDataPoint`) through the real routes.
 */
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { toDataPoint, type AuthEvent } from '../src/events'
import { Browser, type Fetcher } from './browser'
import { withBindings, withLimiters } from './deployment'
import { captureLogs, codeLinkFor, control, newUser, openLinkAndConfirm, recoveryEmail, requestRecovery, submitNewPassword } from './flow'

interface DataPoint {
  indexes: string[]
  blobs: string[]
  doubles: number[]
}

/** An AUTH_EVENTS binding that keeps every data point written. */
function recordingDataset(): { writeDataPoint(point: DataPoint): void; points: DataPoint[] } {
  const points: DataPoint[] = []
  return { points, writeDataPoint: (point) => void points.push(structuredClone(point)) }
}

/** Events as objects named after their columns (blob1 = site, …), for readable assertions. */
function named(point: DataPoint) {
  const [site, route, outcome, country, colo, limit] = point.blobs
  const [upstreamMs, upstreamCalls, status] = point.doubles
  return { index: point.indexes[0], site, route, outcome, country, colo, limit, upstreamMs, upstreamCalls, status }
}

/** Requests as if Cloudflare saw them in Frankfurt from Germany (request.cf). */
function fromFrankfurt(fetcher: Fetcher): Fetcher {
  return (request) => fetcher(new Request(request, { cf: { country: 'DE', colo: 'FRA' } } as RequestInit))
}

/** Waits for the background reset email's event (written from waitUntil). */
async function eventually<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('event not written in time')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

afterEach(async () => {
  await control().setLimits({ preset: 'cli' })
  await control().clearFaults()
})

describe('auth events', () => {
  it('the Workers test pool binds a real Analytics Engine dataset as AUTH_EVENTS, and a flow runs with it', async () => {
    expect(typeof env.AUTH_EVENTS.writeDataPoint).toBe('function')
    const user = await newUser()
    // The real binding (from wrangler.toml) accepts the writes; the page is unchanged.
    const res = await requestRecovery(new Browser(), user.email)
    expect(res.status).toBe(200)
  })

  it('writes one event per outcome of a whole reset: requested, email sent, link confirmed, password changed', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: fromFrankfurt(withBindings({ AUTH_EVENTS: dataset })) })
    const user = await newUser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    await eventually(() => dataset.points.find((p) => p.blobs[2] === 'reset_email_sent'))
    await openLinkAndConfirm(browser, link)
    await browser.get('/account/update-password')
    expect((await submitNewPassword(browser, 'events whole flow password')).status).toBe(200)

    const events = dataset.points.map(named)
    expect(events.map((e) => e.outcome)).toEqual(['reset_requested', 'reset_email_sent', 'confirmed_recovery', 'password_updated'])
    expect(events[0]).toEqual({
      index: 'default',
      site: 'default',
      route: '/account/forgot-password',
      outcome: 'reset_requested',
      country: 'DE',
      colo: 'FRA',
      limit: '',
      upstreamMs: expect.any(Number),
      upstreamCalls: 1,
      status: 200,
    })
    expect(events[1]).toMatchObject({ route: '/account/forgot-password', status: 0, upstreamCalls: 1, country: 'DE', colo: 'FRA' })
    expect(events[2]).toMatchObject({ route: '/auth/confirm', status: 303, upstreamCalls: 1 })
    expect(events[3]).toMatchObject({ route: '/account/update-password', status: 200, upstreamCalls: 1 })
    for (const event of events) expect(event.upstreamMs).toBeGreaterThanOrEqual(0)
    // Page views with no outcome (the forms, the confirm button page) write nothing.
    expect(events).toHaveLength(4)
  })


  it('a password changed with a refused next still counts as password_updated (the log line and the event)', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withBindings({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    await requestRecovery(browser, user.email)
    await openLinkAndConfirm(browser, (await recoveryEmail(user.email)).link)
    const form = await (await browser.get('/account/update-password')).text()
    const password = 'refused next password 1'
    const { result, lines } = await captureLogs(() => browser.submit(form, { password, password_confirm: password, next: 'https://evil.example/' }))
    expect(result.status).toBe(200)
    expect(await result.text()).not.toContain('evil.example')
    const line = lines.map((l) => { try { return JSON.parse(l) as { msg?: string; route?: string; reason?: string } } catch { return {} } }).find((l) => l.msg === 'request' && l.route === '/account/update-password')
    expect(line?.reason).toBe('password_updated')
    expect(dataset.points.map(named).at(-1)?.outcome).toBe('password_updated')
  })
  it('writes code_verified for a confirmed 6-digit code, and code_invalid for a wrong one', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withBindings({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    await requestRecovery(browser, user.email)
    const { code } = await recoveryEmail(user.email)
    const form = await (await browser.get('/account/verify-code')).text()
    await browser.submit(form, { email: user.email, code: code === '000000' ? '111111' : '000000' })
    await browser.submit(form, { email: user.email, code: code ?? '' })
    const outcomes = dataset.points.map(named).filter((e) => e.route === '/account/verify-code')
    expect(outcomes.map((e) => [e.outcome, e.status])).toEqual([
      ['code_invalid', 400],
      ['code_verified', 303],
    ])
  })

  it('writes a {{ .ConfirmationURL }} link (?code=) as confirmed_code_recovery, not as "other"', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withBindings({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    expect((await browser.get(await codeLinkFor(link))).status).toBe(303)
    expect(dataset.points.map(named).filter((e) => e.route === '/auth/confirm').map((e) => [e.outcome, e.status])).toEqual([['confirmed_code_recovery', 303]])
  })

  it('counts a link failure once: the error page the redirect leads to is no second outcome', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withBindings({ AUTH_EVENTS: dataset }) })
    const failed = await browser.get('/auth/confirm?code=0b7c1e1a-3f47-4a0e-9d8c-1c2f0e6a9b11')
    expect(failed.headers.get('location')).toMatch(/^\/auth\/auth-code-error\?reason=/)
    const page = await browser.follow(failed)
    expect(page.status).toBeGreaterThanOrEqual(400)
    await browser.follow(failed) // a reload
    expect(dataset.points.map(named).map((e) => [e.route, e.outcome])).toEqual([['/auth/confirm', 'other_device']])
  })

  it('writes each failure with its fixed reason: an invalid link, Supabase down, a forged form post', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withBindings({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    // A link whose token hash was mangled by a mail client.
    const mangled = new URL(link)
    mangled.searchParams.set('token_hash', 'pkce_0000000000000000000000000000000000000000000000000000000a')
    await openLinkAndConfirm(browser, mangled.href)
    // The real link while Supabase answers 500.
    await control().injectFault({ path: '/auth/v1/verify', status: 500 })
    await openLinkAndConfirm(browser, link)
    // A cross-site post.
    await browser.post('/account/forgot-password', { email: user.email, csrf_token: 'forged' })
    const outcomes = dataset.points.map(named).filter((e) => e.outcome !== 'reset_requested' && !e.outcome?.startsWith('reset_email'))
    expect(outcomes.map((e) => [e.route, e.outcome])).toEqual([
      ['/auth/confirm', 'link_expired'],
      ['/auth/confirm', 'upstream_unavailable'],
      ['/account/forgot-password', 'csrf_rejected'],
    ])
  })

  it('counts the time spent waiting on Supabase Auth', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withBindings({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    // Supabase slow to verify: 150 ms before it answers.
    await control().injectFault({ path: '/auth/v1/verify', delay_ms: 150 })
    await openLinkAndConfirm(browser, link)
    const confirmed = dataset.points.map(named).find((e) => e.outcome === 'confirmed_recovery')
    expect(confirmed?.upstreamMs).toBeGreaterThanOrEqual(150)
  })

  it('names the edge limit that refused a request', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withLimiters({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    // Three requests a minute per address are allowed (wrangler.toml); the fourth is refused.
    for (let i = 0; i < 4; i++) await requestRecovery(browser, user.email)
    const limited = dataset.points.map(named).filter((e) => e.outcome === 'rate_limited')
    expect(limited).toEqual([expect.objectContaining({ route: '/account/forgot-password', limit: 'FORGOT_EMAIL_LIMITER', status: 429, upstreamCalls: 0 })])
  })

  it("names Supabase's limit when it refused a confirmation, or the reset email", async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withBindings({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    await control().injectFault({ path: '/auth/v1/verify', status: 429, body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' } })
    await openLinkAndConfirm(browser, link)
    await control().setLimits({ emailsPerHour: 0 })
    await requestRecovery(browser, user.email)
    const refusedEmail = await eventually(() => dataset.points.map(named).find((e) => e.outcome === 'reset_email_refused'))
    const confirm = dataset.points.map(named).find((e) => e.route === '/auth/confirm')
    expect(confirm).toMatchObject({ outcome: 'rate_limited', limit: 'over_request_rate_limit', status: 429 }) // the button again
    expect(refusedEmail).toMatchObject({ route: '/account/forgot-password', limit: 'over_email_send_rate_limit', status: 0 })
  })

  it('every request line with an outcome has exactly one event, with the same route, outcome and status', async () => {
    const dataset = recordingDataset()
    const browser = new Browser({ fetcher: withLimiters({ AUTH_EVENTS: dataset }) })
    const user = await newUser()
    const { lines } = await captureLogs(async () => {
      await browser.post('/account/forgot-password', { email: 'not an address', csrf_token: 'x' })
      const form = await (await browser.get('/account/forgot-password')).text()
      await browser.submit(form, { email: 'not an address' })
      await requestRecovery(browser, user.email)
      const { link } = await recoveryEmail(user.email)
      await eventually(() => dataset.points.find((p) => p.blobs[2] === 'reset_email_sent'))
      await browser.get('/auth/confirm?token_hash=&type=recovery')
      await openLinkAndConfirm(browser, link)
      await browser.get('/account/update-password')
      await submitNewPassword(browser, 'short', 'mismatch')
      await submitNewPassword(browser, 'password123') // on the local breached list
      await submitNewPassword(browser, 'events every outcome password')
      await browser.request('/account/update-password', { method: 'DELETE' })
    })
    const withOutcome = lines
      .map((l) => JSON.parse(l) as { msg: string; route?: string; reason?: string; status?: number })
      .filter((l) => l.msg === 'request' && l.reason)
      .map((l) => [l.route, l.reason, l.status])
    const events = dataset.points.map(named).filter((e) => !e.outcome?.startsWith('reset_email')).map((e) => [e.route, e.outcome, e.status])
    expect(withOutcome.length).toBeGreaterThanOrEqual(8)
    expect(events).toEqual(withOutcome)
    expect(new Set(events.map((e) => e[1]))).toEqual(
      new Set(['csrf_rejected', 'email_invalid', 'reset_requested', 'link_invalid', 'confirmed_recovery', 'password_invalid', 'breached_password', 'password_updated', 'method_not_allowed']),
    )
  })

  it('writes nothing and still answers when no dataset is bound, or when writing fails', async () => {
    const user = await newUser()
    const failing = { writeDataPoint: () => { throw new Error('analytics down') } }
    const res = await requestRecovery(new Browser({ fetcher: withBindings({ AUTH_EVENTS: failing }) }), user.email)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Check your email')
    const unbound = await requestRecovery(new Browser({ fetcher: withBindings({ AUTH_EVENTS: undefined }) }), user.email)
    expect(unbound.status).toBe(200)
  })
})

describe('auth events carry no personal data', () => {
  it('no email, IP, token hash, code, password or user id in any event over whole flows (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9]{3,12}$/),
        fc.ipV4(),
        async (localPart, ip) => {
          const dataset = recordingDataset()
          const browser = new Browser({ ip, fetcher: withBindings({ AUTH_EVENTS: dataset }) })
          const email = `${localPart}.${Date.now().toString(36)}@example.com`
          const created = await control().createUser({ email, password: 'old-password-events' })
          const newPassword = `new ${localPart} password`
          await requestRecovery(browser, email)
          const message = await recoveryEmail(email)
          const tokenHash = new URL(message.link).searchParams.get('token_hash') ?? ''
          const form = await (await browser.get('/account/verify-code')).text()
          await browser.submit(form, { email, code: '999999' })
          await openLinkAndConfirm(browser, message.link)
          await browser.get('/account/update-password')
          await submitNewPassword(browser, newPassword)
          await requestRecovery(browser, `nobody-${email}`)
          await eventually(() => (dataset.points.filter((p) => p.blobs[2]?.startsWith('reset_email')).length >= 2 ? true : undefined))

          const written = JSON.stringify(dataset.points)
          for (const secret of [email, localPart, ip, tokenHash, message.code ?? 'no-code', newPassword, created.id, ...browser.jar.values()]) {
            expect(written).not.toContain(secret)
          }
          expect(written).not.toMatch(/@|eyJ/)
          for (const point of dataset.points) expect(point.blobs.every((b) => /^[A-Za-z0-9_./*:-]*$/.test(b))).toBe(true)
        },
      ),
      { numRuns: 5, seed: 13 },
    )
  })

  it('cuts the index to the 96 bytes Analytics Engine allows; the site blob keeps the whole hostname', () => {
    const site = `${'a'.repeat(60)}.${'b'.repeat(60)}.example.com`
    const point = toDataPoint({ site, route: '/auth/confirm', outcome: 'link_expired', country: 'DE', colo: 'FRA', limit: '', upstreamMs: 1, upstreamCalls: 1, status: 400 })
    expect(point.indexes).toEqual([site.slice(0, 96)])
    expect(point.blobs[0]).toBe(site)
  })

  it('a blob of any unexpected shape is replaced, never written (property, on the pure encoder)', () => {
    const anyText = fc.string({ maxLength: 80 })
    fc.assert(
      fc.property(
        fc.record({ site: anyText, route: anyText, outcome: anyText, country: anyText, colo: anyText, limit: anyText }),
        fc.emailAddress(),
        (fields, email) => {
          const event: AuthEvent = { ...fields, upstreamMs: 1, upstreamCalls: 1, status: 200 }
          const withEmail: AuthEvent = { ...event, outcome: email, limit: email, route: `/${email}`, site: email }
          for (const point of [toDataPoint(event), toDataPoint(withEmail)]) {
            const [site, route, outcome, country, colo, limit] = point.blobs
            expect(site).toMatch(/^[a-z0-9.-]+$/)
            expect(route).toMatch(/^\/[A-Za-z0-9_\-/.:*]*$|^unmatched$/)
            expect(outcome).toMatch(/^[a-z0-9_]+$/)
            expect(country).toMatch(/^([A-Z][A-Z0-9])?$/)
            expect(colo).toMatch(/^([A-Z]{3})?$/)
            expect(limit).toMatch(/^[A-Za-z0-9_]*$/)
            expect(JSON.stringify(point)).not.toContain('@')
          }
        },
      ),
      { seed: 13 },
    )
  })
})
