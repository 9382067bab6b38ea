// Supabase's own limits in the stand-in: per-IP token buckets, Sb-Forwarded-For, the hourly email budget.
// Each test cites the supabase/auth source it follows.
import { describe, expect, it } from 'vitest'
import { PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth()
const EMAIL = 'limits@example.com'

/** `n` requests one after another, returning their statuses. */
async function statuses(n: number, send: (i: number) => Promise<Response>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const res = await send(i)
    out.push(res.status)
    await res.body?.cancel()
  }
  return out
}
const count = (list: number[], status: number) => list.filter((s) => s === status).length

const recover = (headers: Record<string, string> = {}, email = 'nobody@example.com') =>
  h.api('/recover', { method: 'POST', headers, body: JSON.stringify({ email }) })
const verifyPost = () => h.api('/verify', { method: 'POST', body: JSON.stringify({ type: 'recovery', token_hash: 'unknown' }) })

describe('per-IP buckets', () => {
  it('are off by default, as in the CLI stack, which configures no rate-limit header [auth:internal/api/middleware.go:73-78]', async () => {
    expect(await h.control.limits()).toMatchObject({ perIp: false, emailsPerHour: 360000, sbForwardedFor: false })
    expect(count(await statuses(40, () => recover()), 429)).toBe(0)
  })

  it('refuse the 31st /recover from one address with over_request_rate_limit [auth:internal/api/apilimiter/apilimiter.go:358-364, middleware.go:116-118]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    const all = await statuses(30, () => recover())
    expect(count(all, 200)).toBe(30)
    // One request over the burst of 30, from the same address (the socket's, 127.0.0.1).
    const over = await recover()
    expect(over.status).toBe(429)
    expect(await over.json()).toEqual({ code: 'over_request_rate_limit', message: 'Request rate limit reached' })
    expect((await h.control.requests()).at(-1)).toMatchObject({
      limit: { bucket: 'recover', key: '127.0.0.1', forwarded: false },
      status: 429,
      error_code: 'over_request_rate_limit',
    })
  })

  it('refill at limit/300 per second: one more /recover every 10 s at the default 30 [apilimiter.go:358-364]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    await statuses(30, () => recover())
    await h.control.advanceClock(9)
    expect((await recover()).status).toBe(429)
    await h.control.advanceClock(1)
    expect((await recover()).status).toBe(200)
    expect((await recover()).status).toBe(429)
  })

  it('keep a bucket per route: /recover spent leaves /otp and /verify untouched [apilimiter.go:232-238]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    await statuses(31, () => recover())
    expect((await h.api('/otp', { method: 'POST', body: JSON.stringify({ email: 'otp@example.com' }) })).status).toBe(200)
    expect((await verifyPost()).status).toBe(403)
  })

  it('share the verify bucket between GET and POST /verify [auth:internal/api/api.go:270-273]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    const gets = await statuses(15, () => h.api('/verify?type=recovery&token=unknown', { method: 'GET' }))
    expect(count(gets, 303)).toBe(15)
    const posts = await statuses(16, () => verifyPost())
    expect(count(posts, 403)).toBe(15)
    expect(posts.at(-1)).toBe(429)
  })

  it('charge /token only for a known grant: an unsupported grant_type is refused first [auth:internal/api/token.go:47-65]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    const unsupported = await statuses(40, () => h.api('/token?grant_type=foo', { method: 'POST', body: '{}' }))
    expect(count(unsupported, 400)).toBe(40)
    const grant = () => h.api('/token?grant_type=password', { method: 'POST', body: JSON.stringify({ email: 'x@example.com', password: 'wrong-password' }) })
    const all = await statuses(31, grant)
    expect(count(all, 400)).toBe(30)
    expect(all.at(-1)).toBe(429)
  })

  it('let /token burst 30 and refill at 150/300 = 0.5 per second [apilimiter.go:197-200]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    const grant = () => h.api('/token?grant_type=password', { method: 'POST', body: JSON.stringify({ email: 'x@example.com', password: 'wrong-password' }) })
    const all = await statuses(31, grant)
    expect(count(all, 400)).toBe(30)
    expect(all.at(-1)).toBe(429)
    await h.control.advanceClock(2)
    expect((await grant()).status).toBe(400)
  })

  it('refill /verify at its own limit (GOTRUE_RATE_LIMIT_VERIFY), not the OTP one [apilimiter.go:197-200]', async () => {
    await h.control.setLimits({ preset: 'hosted', verifyPer5Min: 60, otpPer5Min: 30 })
    expect((await statuses(31, () => verifyPost())).at(-1)).toBe(429)
    // 60 per 5 min is one every 5 s; at the OTP rate it would take 10 s.
    await h.control.advanceClock(5)
    expect((await verifyPost()).status).toBe(403)
  })

  it('never hold more than the burst of 30, however long a bucket sat idle [apilimiter.go:358-364]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    expect((await recover()).status).toBe(200)
    await h.control.advanceClock(600) // 60 tokens' worth of refill for a bucket that is missing one
    const all = await statuses(31, () => recover())
    expect(count(all, 200)).toBe(30)
    expect(all.at(-1)).toBe(429)
  })

  it('lose nothing when the clock moves back (a test undoing its advance), as tollbooth’s x/time/rate limiter refills nothing for a time before the last [auth:internal/api/apilimiter/apilimiter.go:358-364]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    expect((await recover()).status).toBe(200)
    await h.control.advanceClock(-3600)
    expect((await recover()).status).toBe(200)
  })

  it('charge PUT /user only after authentication, so an anonymous PUT costs nothing [api.go:281-283]', async () => {
    await h.control.setLimits({ preset: 'hosted', otpPer5Min: 30 })
    await h.control.createUser({ email: EMAIL, password: PASSWORD })
    const anonymous = await statuses(35, () => h.api('/user', { method: 'PUT', body: JSON.stringify({ data: {} }) }))
    expect(count(anonymous, 401)).toBe(35)
    const browser = h.client()
    await browser.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
    const results = []
    for (let i = 0; i < 31; i++) results.push((await browser.auth.updateUser({ data: { i } })).error?.code ?? 'ok')
    expect(results.filter((r) => r === 'ok')).toHaveLength(30)
    expect(results.at(-1)).toBe('over_request_rate_limit')
  })

  it('are emptied by POST /__local/reset, which restores the start options', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    await statuses(31, () => recover())
    await h.control.reset()
    expect(await h.control.limits()).toMatchObject({ perIp: false })
    await h.control.setLimits({ preset: 'hosted' })
    expect((await recover()).status).toBe(200)
  })
})

describe('Sb-Forwarded-For', () => {
  const secret = () => ({ apikey: h.auth.secretKey })
  const publishable = () => ({ apikey: h.auth.publishableKey })

  it('gives each forwarded address its own bucket with a secret key and forwarding on [auth:internal/api/middleware.go:123-133]', async () => {
    await h.control.setLimits({ preset: 'hosted', sbForwardedFor: true })
    const a = await statuses(31, () => recover({ ...secret(), 'Sb-Forwarded-For': '203.0.113.1' }))
    expect(a.at(-1)).toBe(429)
    // Another person behind the same server: a fresh bucket.
    expect((await recover({ ...secret(), 'Sb-Forwarded-For': '203.0.113.2' })).status).toBe(200)
    expect((await h.control.requests()).at(-1)?.limit).toEqual({ bucket: 'recover', key: '203.0.113.2', forwarded: true })
  })

  it('is ignored with a publishable key: every caller shares the server address (the gateway accepts it only from secret keys)', async () => {
    await h.control.setLimits({ preset: 'hosted', sbForwardedFor: true })
    const all = await statuses(31, (i) => recover({ ...publishable(), 'Sb-Forwarded-For': `203.0.113.${i + 1}` }))
    expect(all.at(-1)).toBe(429)
    expect((await h.control.requests()).at(-1)).toMatchObject({ apikey: 'publishable', limit: { key: '127.0.0.1', forwarded: false } })
  })

  it('turns per-IP limits on by itself, with no rate-limit header configured (perIp off) [auth:internal/api/middleware.go:123-133]', async () => {
    await h.control.setLimits({ preset: 'cli', sbForwardedFor: true })
    const forwarded = await statuses(31, () => recover({ ...secret(), 'Sb-Forwarded-For': '203.0.113.1' }))
    expect(count(forwarded, 200)).toBe(30)
    expect(forwarded.at(-1)).toBe(429)
    expect((await h.control.requests()).at(-1)).toMatchObject({ limit: { bucket: 'recover', key: '203.0.113.1', forwarded: true }, status: 429 })
    // No usable Sb-Forwarded-For: GoTrue falls back to GOTRUE_RATE_LIMIT_HEADER, unset here, so no limit [middleware.go:73-78].
    expect(count(await statuses(35, () => recover(secret())), 429)).toBe(0)
    expect(count(await statuses(35, () => recover({ ...secret(), 'Sb-Forwarded-For': 'not-an-ip' })), 429)).toBe(0)
    expect(count(await statuses(35, () => recover({ ...publishable(), 'Sb-Forwarded-For': '203.0.113.1' })), 429)).toBe(0)
    expect((await h.control.requests()).at(-1)?.limit).toBeUndefined()
  })

  it('is ignored while forwarding is off (GOTRUE_SECURITY_SB_FORWARDED_FOR_ENABLED=false) [auth:internal/sbff/sbff.go:72-76]', async () => {
    await h.control.setLimits({ preset: 'hosted' })
    const all = await statuses(31, (i) => recover({ ...secret(), 'Sb-Forwarded-For': `203.0.113.${i + 1}` }))
    expect(all.at(-1)).toBe(429)
  })

  it.each([
    ['not an address', 'not-an-ip', '127.0.0.1'],
    ['an empty first value', ' , 203.0.113.9', '127.0.0.1'],
    ['a port', '203.0.113.9:443', '127.0.0.1'],
    ['a list (first value wins)', '203.0.113.7, 10.0.0.1', '203.0.113.7'],
    ['IPv6 (canonical form)', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['IPv4-mapped IPv6', '::ffff:203.0.113.8', '203.0.113.8'],
  ])('keys by %s as Go net.ParseIP does [sbff.go:24-32,78-87]', async (_name, header, key) => {
    await h.control.setLimits({ preset: 'hosted', sbForwardedFor: true })
    await recover({ ...secret(), 'Sb-Forwarded-For': header })
    expect((await h.control.requests()).at(-1)?.limit?.key).toBe(key)
  })
})

describe('hourly email budget', () => {
  async function users(n: number): Promise<string[]> {
    const emails = Array.from({ length: n }, (_, i) => `budget${i}@example.com`)
    for (const email of emails) await h.control.createUser({ email, password: PASSWORD })
    return emails
  }

  it('refuses the email past the budget with over_email_send_rate_limit "email rate limit exceeded" and sends nothing [auth:internal/api/mail.go:411-425,803-812]', async () => {
    await h.control.setLimits({ emailsPerHour: 2 })
    const [a, b, c] = await users(3)
    expect((await recover({}, a)).status).toBe(200)
    expect((await recover({}, b)).status).toBe(200)
    const refused = await recover({}, c)
    expect(refused.status).toBe(429)
    expect(await refused.json()).toEqual({ code: 'over_email_send_rate_limit', message: 'email rate limit exceeded' })
    expect((await h.control.messages()).map((m) => m.To[0]?.Address).sort()).toEqual([a, b])
    // Nothing was stamped: once the hour turns, the same person is not held back by the per-user gap.
    await h.control.advanceClock(3600)
    expect((await recover({}, c)).status).toBe(200)
  })

  it('does not count unknown addresses (no email is sent for them)', async () => {
    await h.control.setLimits({ emailsPerHour: 1 })
    const [a] = await users(1)
    await statuses(5, () => recover({}, 'ghost@example.com'))
    expect((await recover({}, a)).status).toBe(200)
  })

  it('shows "N of M emails this hour" in the inbox', async () => {
    await h.control.setLimits({ emailsPerHour: 2 })
    const [a, b, c] = await users(3)
    await recover({}, a)
    expect(await (await fetch(h.auth.inboxUrl)).text()).toContain('1 of 2 emails this hour.')
    await recover({}, b)
    await recover({}, c)
    const page = await (await fetch(h.auth.inboxUrl)).text()
    expect(page).toContain('2 of 2 emails this hour: the budget is used up')
    expect((await h.control.limits()).emails_this_hour).toBe(2)
  })

  it('starts counting afresh once the hour has passed, in the control API and the inbox too [auth:internal/ratelimit/interval.go:54-65]', async () => {
    await h.control.setLimits({ emailsPerHour: 2 })
    const [a] = await users(1)
    await recover({}, a)
    expect((await h.control.limits()).emails_this_hour).toBe(1)
    await h.control.advanceClock(3600)
    expect((await h.control.limits()).emails_this_hour).toBe(0)
    expect(await (await fetch(h.auth.inboxUrl)).text()).toContain('0 of 2 emails this hour.')
  })

  it('refuses every email at a budget of 0 [mail.go:792-800]', async () => {
    await h.control.setLimits({ emailsPerHour: 0 })
    const [a] = await users(1)
    expect((await recover({}, a)).status).toBe(429)
  })

  it('also covers signup confirmations (every send goes through sendEmail) [mail.go:325-341]', async () => {
    await h.control.setLimits({ emailsPerHour: 1 })
    const signup = (email: string) => h.api('/signup', { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) })
    expect((await signup('s1@example.com')).status).toBe(200)
    const refused = await signup('s2@example.com')
    expect(refused.status).toBe(429)
    expect((await refused.json()).message).toBe('email rate limit exceeded')
  })
})
