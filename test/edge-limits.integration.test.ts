/**
 * Our own edge limits as a deployment has them: the bindings are wired from wrangler.toml, per-IP limits
 * count IPv6 clients per /64 (any VPS has one), and a binding that fails fails open or closed per limit:
 * closed for the 6-digit code limits (they keep codes from being guessed), open for the rest.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { LIMITER_NAMES } from '../src/config'
import { ipLimitKey } from '../src/lib/ip-key'
import { Browser } from './browser'
import { withLimiters } from './deployment'
import { captureLogs, control, newUser, openLinkAndConfirm, reachUpdateForm, requestRecovery, submitNewPassword } from './flow'

describe('the edge limit bindings', () => {
  it('are all bound in wrangler.toml, with the documented limits', () => {
    for (const name of LIMITER_NAMES) expect(typeof (env as unknown as Record<string, { limit?: unknown }>)[name]?.limit, name).toBe('function')
    const limits = Object.fromEntries(Object.entries(inject('rateLimits')).map(([name, { limit, period }]) => [name, `${limit}/${period}s`]))
    expect(limits).toEqual({
      FORGOT_IP_LIMITER: '10/60s',
      FORGOT_EMAIL_LIMITER: '3/60s',
      CONFIRM_IP_LIMITER: '20/60s',
      CODE_IP_LIMITER: '10/60s',
      CODE_EMAIL_LIMITER: '5/60s',
      UPDATE_SESSION_LIMITER: '10/60s',
    })
  })
})

describe('IPv6 clients', () => {
  it('share one per-IP bucket across their /64: 15 reset requests from 15 addresses are limited after 10', async () => {
    const fetcher = withLimiters()
    const statuses: number[] = []
    for (let i = 0; i < 15; i++) {
      const ip = `2001:db8:1234:5678:${(i + 1).toString(16)}::${i * 7 + 1}`
      const browser = new Browser({ fetcher, ip })
      statuses.push((await requestRecovery(browser, `v6-${i}-${Date.now()}@example.com`)).status)
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429, 429])
  })

  it('in another /64 are not limited by the first', async () => {
    const fetcher = withLimiters()
    for (let i = 0; i < 10; i++) await requestRecovery(new Browser({ fetcher, ip: `2001:db8:aaaa:1::${i + 1}` }), `a${i}-${Date.now()}@example.com`)
    const other = await requestRecovery(new Browser({ fetcher, ip: '2001:db8:aaaa:2::1' }), `b-${Date.now()}@example.com`)
    expect(other.status).toBe(200)
  })
})

describe('per-address limits count one address however it is typed', () => {
  // Case and surrounding spaces are how one address gets more tries: each variant must land in one bucket.
  const variants = (email: string) => [email.toUpperCase(), ` ${email} `, email.replace(/^./, (c) => c.toUpperCase()), `\t${email.toUpperCase()}`, email]

  it('6-digit codes: five wrong tries from five addresses, in five spellings; the sixth is refused, another address is not', async () => {
    const user = await newUser()
    const fetcher = withLimiters()
    const tryCode = async (email: string) => {
      const browser = new Browser({ fetcher })
      const page = await browser.get('/account/verify-code')
      return (await browser.submit(await page.text(), { email, code: '000000' })).status
    }
    const statuses = []
    for (const email of variants(user.email)) statuses.push(await tryCode(email))
    expect(statuses.every((s) => s !== 429)).toBe(true)
    expect(statuses).toEqual([400, 400, 400, 400, 400]) // each a wrong code, told on the form
    expect(await tryCode(user.email.toUpperCase())).toBe(429)
    expect(await tryCode(`other-${Date.now()}@example.com`)).not.toBe(429)
    expect(await tryCode(`another-${Date.now()}@example.com`)).toBe(400)
  })

  it('reset links: three requests in three spellings; the fourth is refused', async () => {
    const fetcher = withLimiters()
    const email = `spelled-${Date.now()}@example.com`
    const statuses = []
    for (const typed of variants(email).slice(0, 4)) statuses.push((await requestRecovery(new Browser({ fetcher }), typed)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
  })
})

describe('the new-password limit counts per session, not per account', () => {
  it('a second browser resetting the same account is not limited by the first one’s ten tries', async () => {
    const user = await newUser()
    const fetcher = withLimiters()
    const first = new Browser({ fetcher })
    await reachUpdateForm(first, user)
    // The same account's reset in a second browser (a second link, minted for the same address).
    const second = new Browser({ fetcher })
    const minted = await control().mintToken({ email: user.email, type: 'recovery' })
    expect((await second.follow(await openLinkAndConfirm(second, `/auth/confirm?token_hash=${minted.token_hash}&type=recovery`))).status).toBe(200)
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await submitNewPassword(first, `mismatch ${i} aaaa`, 'other')).status)
    expect(statuses).toEqual([...Array<number>(10).fill(400), 429])
    expect((await submitNewPassword(second, `mismatch second aaaa`, 'other')).status).toBe(400)
    expect((await submitNewPassword(second, 'the second browser sets it 1')).status).toBe(200)
  })
})

describe('a rate-limit binding that fails', () => {
  const failing = { limit: async () => Promise.reject(new Error('binding unavailable')) }

  it('fails open for reset requests (Supabase’s own limits still apply) and logs which limiter failed', async () => {
    const fetcher = withLimiters({ FORGOT_IP_LIMITER: failing, FORGOT_EMAIL_LIMITER: failing })
    const { result, lines } = await captureLogs(() => requestRecovery(new Browser({ fetcher }), `open-${Date.now()}@example.com`))
    expect(result.status).toBe(200)
    expect(await result.text()).toContain('Check your email')
    expect(lines.join('\n')).toContain('"msg":"rate_limiter_failed","limiter":"FORGOT_IP_LIMITER","fail":"open"')
  })

  it('fails open for confirming links', async () => {
    const fetcher = withLimiters({ CONFIRM_IP_LIMITER: failing })
    const browser = new Browser({ fetcher })
    const page = await browser.get(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=recovery`)
    const res = await browser.submit(await page.text())
    expect(res.headers.get('location')).toBe('/auth/auth-code-error?reason=link_expired')
  })

  it('fails closed for 6-digit codes (the link in the same email still works), with a 429 page', async () => {
    const user = await newUser()
    const browser = new Browser({ fetcher: withLimiters({ CODE_IP_LIMITER: failing }) })
    const page = await browser.get('/account/verify-code')
    const { result: res, lines } = await captureLogs(async () => browser.submit(await page.text(), { email: user.email, code: '123456' }))
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('60')
    expect(lines.join('\n')).toContain('"limiter":"CODE_IP_LIMITER","fail":"closed"')
  })
})

describe('a rate-limit binding that is missing (a named wrangler environment drops [[ratelimits]] it does not repeat)', () => {
  it.each(['CODE_IP_LIMITER', 'CODE_EMAIL_LIMITER'] as const)('without %s, 6-digit codes are refused (429) and each refusal is logged; the link still works', async (name) => {
    const user = await newUser()
    const fetcher = withLimiters({ [name]: undefined })
    const browser = new Browser({ fetcher })
    const page = await browser.get('/account/verify-code')
    const { result: res, lines } = await captureLogs(async () => browser.submit(await page.text(), { email: user.email, code: '123456' }))
    expect(res.status).toBe(429)
    expect(lines.join('\n')).toContain(`"msg":"rate_limiter_missing","limiter":"${name}","fail":"closed"`)
    // The emailed link is not a guessable code: it goes through as usual.
    const form = await reachUpdateForm(new Browser({ fetcher }), user)
    expect(form.status).toBe(200)
    expect(await form.text()).toContain(user.email)
  })

  it('without the reset-link limiters, reset requests go through (Supabase’s own limits still apply)', async () => {
    const fetcher = withLimiters({ FORGOT_IP_LIMITER: undefined, FORGOT_EMAIL_LIMITER: undefined })
    const { result, lines } = await captureLogs(() => requestRecovery(new Browser({ fetcher }), `nolimit-${Date.now()}@example.com`))
    expect(result.status).toBe(200)
    expect(lines.join('\n')).not.toContain('rate_limiter_missing')
  })
})

describe('ipLimitKey', () => {
  it.each([
    ['203.0.113.9', 'ip:203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', 'ip6:2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ffff', 'ip6:2001:db8:1:2::/64'],
    ['2001:db8::1', 'ip6:2001:db8:0:0::/64'],
    ['::ffff:203.0.113.9', 'ip:203.0.113.9'],
    ['::ffff:cb00:7109', 'ip:203.0.113.9'],
    ['fe80::1%eth0', 'ip6:fe80:0:0:0::/64'],
    [undefined, 'ip:unknown'],
    ['', 'ip:unknown'],
    ['not an ip', 'ip:unknown'],
    ['1::2::3', 'ip:unknown'],
    ['2001:db8:1:2:3:4:5:6:7', 'ip:unknown'],
    ['256.0.0.1', 'ip:unknown'],
  ])('%s → %s', (ip, key) => {
    expect(ipLimitKey(ip)).toBe(key)
  })
})
