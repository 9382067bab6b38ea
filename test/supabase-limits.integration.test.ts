/**
 * Supabase's own limits seen through the Worker, against the stand-in with a hosted project's limits:
 * without SUPABASE_SECRET_KEY every person shares the Worker's one per-IP bucket; with it, each person's
 * address (CF-Connecting-IP) gets its own, and the stand-in records which key and bearer every call carried.
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, inject, it } from 'vitest'
import app from '../src/index'
import { Browser, parseForms, type Fetcher } from './browser'
import { withBindings } from './deployment'
import { captureLogs, control, newUser, openLinkAndConfirm, reachUpdateForm, recoveryEmail, requestRecovery, signInWith, submitNewPassword, type TestUser } from './flow'

/** The Worker deployed with a secret key (and the new publishable key, as a real project would be). */
const withSecretKey = () => withBindings({ SUPABASE_PUBLISHABLE_KEY: inject('publishableKey'), SUPABASE_SECRET_KEY: inject('secretKey') })

/** A person with an emailed recovery link (minted by the stand-in, so no /recover bucket is spent). */
async function personWithLink(): Promise<{ user: TestUser; link: string }> {
  const user = await newUser()
  const { token_hash } = await control().mintToken({ email: user.email, type: 'recovery' })
  return { user, link: `/auth/confirm?token_hash=${token_hash}&type=recovery&next=/account/update-password` }
}

/** One person opening their link and pressing the button, from `ip`; the final page after redirects. */
async function confirmFrom(ip: string, fetcher?: Fetcher): Promise<Response> {
  const { link } = await personWithLink()
  const browser = new Browser({ ip, ...(fetcher ? { fetcher } : {}) })
  const confirmed = await openLinkAndConfirm(browser, link)
  return confirmed.status === 303 ? browser.follow(confirmed) : confirmed
}

/** Until the stand-in has had no request for a second (calls an earlier test left in flight have landed). */
async function untilQuiet(): Promise<void> {
  let count = -1
  for (;;) {
    const now = (await control().requests()).length
    if (now === count) return
    count = now
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

afterEach(async () => {
  await control().setLimits({ preset: 'cli' })
})

describe('without SUPABASE_SECRET_KEY', () => {
  it('puts every person in the Worker\'s one bucket: the 31st confirmation from 31 addresses gets the limit page', async () => {
    // A hosted project's burst of 30, refilled at one per 300 s rather than the hosted one per 10 s, so a
    // loaded machine taking more than 10 s over these 31 people cannot hand the 31st a refilled token.
    // The bucket is the Worker's one address, so any other call to /verify spends from it too: let
    // whatever an earlier test left in flight land first (seen once in a full run: the 30th refused).
    await untilQuiet()
    await control().setLimits({ preset: 'hosted', verifyPer5Min: 1 })
    await control().clearRequests()
    const pages: Response[] = []
    for (let i = 1; i <= 31; i++) pages.push(await confirmFrom(`198.51.100.${i}`))
    // On failure, what the stand-in saw: which calls spent the bucket.
    const seen = (await control().requests()).map((r) => `${r.method} ${r.path} ${r.status} ${r.limit?.bucket ?? ''}`)
    expect(pages.slice(0, 30).map((p) => p.status), seen.join('\n')).toEqual(Array(30).fill(200))
    const limited = pages[30]!
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect(await limited.text()).toContain('Too many attempts')
    const verifies = (await control().requests()).filter((r) => r.path === '/auth/v1/verify')
    expect(new Set(verifies.map((r) => r.limit?.key))).toEqual(new Set(['127.0.0.1']))
    expect(verifies.every((r) => r.sb_forwarded_for === null && r.apikey === 'anon')).toBe(true)
  })

  it('logs the refusal with Supabase\'s code, so an operator can count it', async () => {
    await control().setLimits({ preset: 'hosted', verifyPer5Min: 30, burst: 1 })
    await confirmFrom('198.51.100.200')
    const { lines } = await captureLogs(() => confirmFrom('198.51.100.201'))
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.route === '/auth/confirm' && l.status === 429)
    expect(line).toMatchObject({ reason: 'rate_limited', upstream_refused: 'over_request_rate_limit' })
  })
})

describe('with SUPABASE_SECRET_KEY and IP forwarding on', () => {
  it('gives each person their own bucket: 40 confirmations from 40 addresses all go through', async () => {
    await control().setLimits({ preset: 'hosted', sbForwardedFor: true })
    await control().clearRequests()
    const fetcher = withSecretKey()
    const statuses: number[] = []
    for (let i = 1; i <= 40; i++) statuses.push((await confirmFrom(`203.0.113.${i}`, fetcher)).status)
    expect(statuses).toEqual(Array(40).fill(200))
    const verifies = (await control().requests()).filter((r) => r.path === '/auth/v1/verify')
    expect(verifies.map((r) => r.limit?.key)).toEqual(Array.from({ length: 40 }, (_, i) => `203.0.113.${i + 1}`))
  })

  it('refuses one address over its limit while another goes through', async () => {
    await control().setLimits({ preset: 'hosted', sbForwardedFor: true, burst: 2 })
    const fetcher = withSecretKey()
    const busy = [await confirmFrom('203.0.113.77', fetcher), await confirmFrom('203.0.113.77', fetcher), await confirmFrom('203.0.113.77', fetcher)]
    expect(busy.map((r) => r.status)).toEqual([200, 200, 429])
    expect(busy[2]!.headers.get('retry-after')).toBe('60')
    expect((await confirmFrom('203.0.113.78', fetcher)).status).toBe(200)
  })

  it('sends the secret key only where no bearer is read, and the person\'s own token on /user', async () => {
    const fetcher = withSecretKey()
    const user = await newUser()
    const browser = new Browser({ ip: '203.0.113.9', fetcher })
    await control().clearRequests()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    await browser.follow(await openLinkAndConfirm(browser, link))
    expect((await submitNewPassword(browser, 'a new password for forwarding')).status).toBe(200)
    const seen = (await control().requests()).map((r) => ({ method: r.method, path: r.path, apikey: r.apikey, bearer: r.bearer, ip: r.sb_forwarded_for }))
    expect(seen).toEqual(expect.arrayContaining([
      { method: 'POST', path: '/auth/v1/recover', apikey: 'secret', bearer: 'secret', ip: '203.0.113.9' },
      { method: 'POST', path: '/auth/v1/verify', apikey: 'secret', bearer: 'secret', ip: '203.0.113.9' },
      // The person's own session: role authenticated, never the secret key's authority.
      { method: 'PUT', path: '/auth/v1/user', apikey: 'secret', bearer: 'jwt:authenticated', ip: '203.0.113.9' },
    ]))
    for (const call of seen.filter((r) => r.path === '/auth/v1/user' || r.path === '/auth/v1/logout')) {
      expect(call.bearer).toBe('jwt:authenticated')
    }
    // Everything else (the JWKS for getClaims) keeps the publishable key and forwards nothing.
    for (const call of seen.filter((r) => !['/auth/v1/recover', '/auth/v1/verify', '/auth/v1/user'].includes(r.path))) {
      expect(call).toMatchObject({ apikey: 'publishable', ip: null })
    }
    // The session cookie holds the person's claims.
    const cookie = [...browser.jar].find(([name]) => name.startsWith('sb-'))?.[1] ?? ''
    expect(cookie).not.toContain(inject('secretKey'))
  })

  it('forwards the address Cloudflare saw, never a header the browser chose', async () => {
    const { link } = await personWithLink()
    const browser = new Browser({ ip: '203.0.113.11', fetcher: withSecretKey() })
    const form = parseForms(await (await browser.get(link)).text()).find((f) => f.method === 'post')!
    // A client trying to pick its own bucket.
    await browser.post(form.action, form.fields, { 'sb-forwarded-for': '192.0.2.1', 'x-forwarded-for': '192.0.2.1' })
    expect((await control().requests()).filter((r) => r.path === '/auth/v1/verify').at(-1)?.sb_forwarded_for).toBe('203.0.113.11')
  })
})

describe('where a person waits on Supabase, its limit gets a 429 with Retry-After and nothing is lost', () => {
  // An empty bucket from the first request on: every limited call is refused.
  const exhausted = { preset: 'hosted', burst: 0 } as const

  it('the emailed link: its button again with the wait, and pressing it works once the limit passes', async () => {
    const { link } = await personWithLink()
    const browser = new Browser()
    const page = await (await browser.get(link)).text()
    await control().setLimits(exhausted)
    const refused = await browser.submit(page)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    const again = await refused.text()
    expect(again).toContain('Too many attempts. Wait a minute, then try again.')
    await control().setLimits({ preset: 'cli' })
    expect((await browser.submit(again)).headers.get('location')).toBe('/account/update-password')
  })

  it('the 6-digit code form', async () => {
    const user = await newUser()
    const browser = new Browser()
    await requestRecovery(browser, user.email)
    const { code } = await recoveryEmail(user.email)
    await control().setLimits(exhausted)
    const page = await browser.get('/account/verify-code')
    const refused = await browser.submit(await page.text(), { email: user.email, code: code ?? '' })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    await control().setLimits({ preset: 'cli' })
    const again = await browser.submit(await (await browser.get('/account/verify-code')).text(), { email: user.email, code: code ?? '' })
    expect(again.headers.get('location')).toBe('/account/update-password')
  })

  it('the new-password form: the password is not changed, and the same form works once the limit passes', async () => {
    const user = await newUser()
    const browser = new Browser()
    expect((await reachUpdateForm(browser, user)).status).toBe(200)
    await control().setLimits(exhausted)
    const refused = await submitNewPassword(browser, 'limited new password')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    await control().setLimits({ preset: 'cli' })
    expect((await signInWith(user.email, user.password)).error).toBeNull()
    expect((await submitNewPassword(browser, 'limited new password')).status).toBe(200)
  })
})

describe('forgot-password when Supabase refuses the email', () => {
  it('shows the same "Check your email" page and logs reset_email_refused with Supabase\'s code', async () => {
    await control().setLimits({ emailsPerHour: 0 })
    const user = await newUser()
    const { result, lines } = await captureLogs(async () => {
      const res = await requestRecovery(new Browser({ fetcher: withBindings({}) }), user.email)
      return { status: res.status, html: await res.text() }
    })
    expect(result.status).toBe(200)
    expect(result.html).toContain('Check your email')
    const refused = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'reset_email_refused')
    expect(refused).toEqual([{ msg: 'reset_email_refused', id: expect.any(String), code: 'over_email_send_rate_limit' }])
  })
})
