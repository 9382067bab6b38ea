/**
 * The 6-digit code path: for when a mail scanner burned the link, or the link opens elsewhere.
 */
import { createClient } from '@supabase/supabase-js'
import { describe, expect, inject, it } from 'vitest'
import { Browser, parseForms } from './browser'
import { withLimiters } from './deployment'
import { captureLogs, control, newUser, recoveryEmail, requestRecovery, signInWith, submitNewPassword } from './flow'

async function submitCode(browser: Browser, email: string, code: string) {
  const page = await browser.get('/account/verify-code')
  return browser.submit(await page.text(), { email, code })
}

describe('reset with the code from the email', () => {
  it('works on another device, without the link', async () => {
    const user = await newUser()
    await requestRecovery(new Browser(), user.email)
    const { code } = await recoveryEmail(user.email)
    const phone = new Browser()
    // They type the address in upper case and the code with a space, as people do.
    const res = await submitCode(phone, user.email.toUpperCase(), `${code?.slice(0, 3)} ${code?.slice(3)}`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/update-password')
    expect((await submitNewPassword(phone, 'set from my phone')).status).toBe(200)
    expect((await signInWith(user.email, 'set from my phone')).error).toBeNull()
  })

  it('works for any address Supabase accepts, such as one with & or an IDN top-level domain', async () => {
    for (const email of [`a&b-${Date.now()}@example.com`, `user${Date.now()}@example.xn--p1ai`]) {
      await control().createUser({ email, password: 'an old password 1' })
      await requestRecovery(new Browser(), email)
      const { code } = await recoveryEmail(email)
      const res = await submitCode(new Browser(), email, code ?? '')
      expect([email, res.headers.get('location')]).toEqual([email, '/account/update-password'])
    }
  })

  it('refuses a wrong code with a message on the form', async () => {
    const user = await newUser()
    await requestRecovery(new Browser(), user.email)
    const { code } = await recoveryEmail(user.email)
    const wrong = code === '000000' ? '111111' : '000000'
    const res = await submitCode(new Browser(), user.email, wrong)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('That code did not work')
    // The same form again: the address kept, the wrong code not shown back, so the next try is one edit.
    const form = parseForms(html)[0]
    expect([form?.action, form?.fields.email, form?.fields.code]).toEqual(['/account/verify-code', user.email, undefined])
  })

  it('answers a banned account exactly as a wrong code, whatever the code, so the form cannot tell which addresses are banned', async () => {
    // Supabase checks the ban before the code (supabase/auth internal/api/verify.go:716-727,
    // verifyUserAndToken), so its answer for a banned address is the same for any code typed.
    const admin = createClient(inject('authUrl'), inject('serviceRoleKey'), { auth: { persistSession: false, autoRefreshToken: false } })
    const attempt = async (email: string, code: string) => {
      const res = await submitCode(new Browser(), email, code)
      const html = await res.text()
      const form = parseForms(html)[0]
      return { status: res.status, h1: /<h1[^>]*>([^<]*)</.exec(html)?.[1], alert: html.includes('That code did not work'), form: [form?.action, form?.fields.email] }
    }
    const banned = { email: `banned${Date.now().toString(36)}@example.com` }
    const created = await admin.auth.admin.createUser({ email: banned.email, password: 'an old password 1', email_confirm: true, ban_duration: '876000h' })
    expect(created.data.user?.banned_until).toBeTruthy()
    // Supabase still emails a banned account a reset (supabase/auth internal/api/recover.go:52, no ban check).
    await requestRecovery(new Browser(), banned.email)
    const { code = '' } = await recoveryEmail(banned.email)
    const ordinary = await newUser()
    const wrong = code === '000000' ? '111111' : '000000'
    const expected = await attempt(ordinary.email, wrong)
    expect(expected).toMatchObject({ status: 400, alert: true })
    const { result, lines } = await captureLogs(() => attempt(banned.email, code))
    expect(result).toEqual({ ...expected, form: ['/account/verify-code', banned.email] })
    expect(await attempt(banned.email, wrong)).toEqual({ ...expected, form: ['/account/verify-code', banned.email] })
    // The operator still sees what it was.
    expect(lines.map((line) => JSON.parse(line) as { reason?: string }).some((line) => line.reason === 'account_unavailable')).toBe(true)
  })

  it('takes the code as people copy it: dashes and spaces anywhere', async () => {
    const user = await newUser()
    await requestRecovery(new Browser(), user.email)
    const { code = '' } = await recoveryEmail(user.email)
    const res = await submitCode(new Browser(), user.email, ` ${code.slice(0, 3)}-${code.slice(3)} `)
    expect(res.headers.get('location')).toBe('/account/update-password')
  })

  it('takes a code typed in full-width digits (a Japanese input method) and signs the person in', async () => {
    const user = await newUser()
    await requestRecovery(new Browser(), user.email)
    const { code = '' } = await recoveryEmail(user.email)
    const fullWidth = (digits: string) => digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))
    const phone = new Browser()
    // Typed on a phone's Japanese keyboard: full-width digits, a full-width hyphen between the groups.
    const res = await submitCode(phone, user.email, `${fullWidth(code.slice(0, 3))}\uff0d${fullWidth(code.slice(3))}`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/update-password')
    expect((await submitNewPassword(phone, 'set with a japanese keyboard')).status).toBe(200)
    expect((await signInWith(user.email, 'set with a japanese keyboard')).error).toBeNull()
  })

  it('sends a longer code on to Supabase (projects may set GOTRUE_MAILER_OTP_LENGTH up to 10)', async () => {
    const user = await newUser()
    await control().clearRequests()
    const res = await submitCode(new Browser(), user.email, '12345678')
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('That code did not work')
    expect((await control().requests()).filter((r) => r.path.endsWith('/verify'))).toHaveLength(1)
  })

  it('takes only the code of a reset email, not one from a sign-up confirmation', async () => {
    const email = `signup-code-${Date.now()}@example.com`
    await control().createUser({ email, password: 'an old password 1', email_confirm: false })
    const minted = await control().mintToken({ email, type: 'signup' })
    const res = await submitCode(new Browser(), email, minted.token)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('That code did not work')
  })

  it.each([
    ['letters', 'abcdef', 'Enter the 6 digits from the email.'],
    ['too few digits', '123', 'Enter the 6 digits from the email.'],
  ])('explains a malformed code (%s) without asking Supabase', async (_name, code, message) => {
    const res = await submitCode(new Browser(), 'someone@example.com', code)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain(message)
  })

  it('limits guesses per address (429) so the code cannot be brute-forced', async () => {
    const user = await newUser()
    await requestRecovery(new Browser(), user.email)
    const { code } = await recoveryEmail(user.email)
    const fetcher = withLimiters()
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      // Each guess from a different IP: the per-address limit still applies.
      statuses.push((await submitCode(new Browser({ fetcher }), user.email, String(100000 + i))).status)
    }
    expect(statuses.slice(0, 5).every((s) => s === 400)).toBe(true)
    expect(statuses[5]).toBe(429)
    // Even the right code is refused while limited: the form again, the address kept, the wait said.
    const limited = await submitCode(new Browser({ fetcher }), user.email, code ?? '')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    const html = await limited.text()
    expect(html).toContain('Too many attempts. Wait a minute, then try again.')
    expect(parseForms(html)[0]?.fields.email).toBe(user.email)
  })

  it.each([
    ['is down', { status: 503, body: 'unavailable' }, 502, 'The sign-in service is having trouble.'],
    ['is too slow', { delay_ms: 4000 }, 504, 'The sign-in service is taking too long.'],
    // A success status without a session: no sign-in to report, and the code may be spent.
    ['answers 200 without a session', { status: 200, body: { foo: 1 } }, 504, 'The sign-in service is taking too long.'],
  ])('when Supabase %s: the form again with the address and what happened, and the same code works after', async (_name, fault, status, text) => {
    const user = await newUser()
    await requestRecovery(new Browser(), user.email)
    const { code } = await recoveryEmail(user.email)
    const browser = new Browser()
    await control().injectFault({ path: '/auth/v1/verify', method: 'POST', ...fault })
    const failed = await submitCode(browser, user.email, code ?? '')
    expect(failed.status).toBe(status)
    const html = await failed.text()
    expect(html).toContain(text)
    expect(html).toContain('role="alert"')
    expect(parseForms(html)[0]?.fields.email).toBe(user.email)
    expect(html).not.toContain(code ?? '') // the code is typed again, never shown back
    const again = await browser.submit(html, { code: code ?? '' })
    expect(again.headers.get('location')).toBe('/account/update-password')
  })
})

describe('edge limits per IP on codes', () => {
  it('limits guesses from one IP across addresses', async () => {
    const browser = new Browser({ fetcher: withLimiters() })
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await submitCode(browser, `spray-${i}-${browser.ip}@example.com`, '123456')).status)
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true)
    expect(statuses[10]).toBe(429)
  })
})
