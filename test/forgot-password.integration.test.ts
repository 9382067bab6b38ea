/**
 * Asking for a reset link: same answer whatever the account or Supabase does (no enumeration),
 * clear errors for bad input, and our own edge limits.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_EMAIL_LENGTH } from '../src/constants'
import { Browser, parseForms } from './browser'
import { withLimiters } from './deployment'
import { control, newUser, recoveryEmail, requestRecovery } from './flow'

/** The page with the per-request values (CSRF token) blanked, for byte-for-byte comparison. */
async function normalised(res: Response): Promise<string> {
  const html = await res.text()
  return html.replace(/name="csrf_token" value="[^"]*"/g, 'name="csrf_token" value=""')
}

/** The response's headers minus those that differ per request by design. */
function headerShape(res: Response): string[] {
  return [...res.headers]
    .filter(([name]) => name !== 'set-cookie' && name !== 'date')
    .map(([name, value]) => `${name}: ${value}`)
    .sort()
}

describe('forgot password', () => {
  it('shows an accessible form', async () => {
    const res = await new Browser().get('/account/forgot-password')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<label for="f-email">Email address</label>')
    expect(html).toContain('autocomplete="email"')
    expect(parseForms(html)[0]?.fields).toHaveProperty('csrf_token')
    // Our own check (Supabase's) decides, not the browser's stricter type=email one: novalidate.
    expect(html).toContain('<form method="post" action="/account/forgot-password" novalidate="">')
    const input = /<input id="f-email"[^>]*\/>/.exec(html)?.[0] ?? ''
    expect(input).toContain('required=""')
    expect(input).toContain('maxlength="254"')
    // The skip link lands on the main content.
    expect(html).toContain('<a class="skip" href="#content">')
    expect(html).toContain('<main id="content">')
  })

  it.each([
    ['session_missing', 'Your reset session has ended. Ask for a new link below.'],
    ['recovery_expired', 'Your reset session has ended. Ask for a new link below.'],
    ['recovery_required', 'To set a new password, you need a link from us: ask for one below, then open it.'],
  ])('says why the person was sent here (?reason=%s)', async (reason, notice) => {
    const html = await (await new Browser().get(`/account/forgot-password?reason=${reason}`)).text()
    expect(html).toContain(`<div class="notice" role="status">${notice}</div>`)
  })

  it('shows no notice for a reason it does not know (nor keeps a page variant for it)', async () => {
    const html = await (await new Browser().get('/account/forgot-password?reason=link_expired')).text()
    expect(html).not.toContain('class="notice')
  })

  it('says when to ask again (Supabase’s 60 s gap: in a minute), and shows the address as Supabase keeps it, lower case', async () => {
    const html = await (await requestRecovery(new Browser(), 'Nobody.Here@Example.COM')).text()
    expect(html).toContain('<strong class="address">n***e@example.com</strong>')
    expect(html).toContain('Nothing? Check your spam folder, or <a href="/account/forgot-password">ask again</a> in a minute.')
  })

  it('asks Supabase to send the person back to /auth/confirm with next (templates with {{ .ConfirmationURL }} use it)', async () => {
    const user = await newUser()
    await control().clearRequests()
    await requestRecovery(new Browser(), user.email)
    await recoveryEmail(user.email) // the call runs in waitUntil: wait for its email
    const recover = (await control().requests()).find((r) => r.path === '/auth/v1/recover')
    expect(recover?.query.redirect_to).toBe('https://auth.example.com/auth/confirm?next=/account/update-password')
  })

  it('answers the same, byte for byte, for an account that exists and one that does not', async () => {
    const user = await newUser()
    const ghost = user.email.replace(/^user/, 'ghost')
    const known = await requestRecovery(new Browser(), user.email)
    const unknown = await requestRecovery(new Browser(), ghost)
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(known.status)
    // Masked addresses differ only in what was typed; compare with the same first/last letters.
    const a = (await normalised(known)).replace(/u\*\*\*\d@/, 'X***@')
    const b = (await normalised(unknown)).replace(/g\*\*\*\d@/, 'X***@')
    expect(b).toBe(a)
    expect(headerShape(unknown)).toEqual(headerShape(known))
    // Both set the same cookies (names), e.g. the PKCE code verifier.
    const names = (r: Response) =>
      r.headers
        .getSetCookie()
        .map((c) => (c.split('=')[0] ?? '').replace(/-flow-[0-9a-f]+-/, '-flow-<id>-'))
        .sort()
    expect(names(unknown)).toEqual(names(known))
    // Only the real account gets an email.
    await recoveryEmail(user.email)
    expect((await control().messages()).some((m) => m.To.some((t) => t.Address === ghost))).toBe(false)
  })

  it("answers the same when Supabase refuses with its 60-second cooldown (429)", async () => {
    const user = await newUser()
    const first = await requestRecovery(new Browser(), user.email)
    await recoveryEmail(user.email)
    // A second request within Supabase's per-user gap: Supabase answers 429 over_email_send_rate_limit.
    const second = await requestRecovery(new Browser(), user.email)
    expect(second.status).toBe(200)
    expect(await normalised(second)).toBe(await normalised(first))
  })

  it('answers at once even when Supabase is slow, and still sends the email', async () => {
    const user = await newUser()
    await control().injectFault({ path: '/auth/v1/recover', delay_ms: 1000, times: 1 })
    const started = Date.now()
    const res = await requestRecovery(new Browser(), user.email)
    const elapsed = Date.now() - started
    expect(res.status).toBe(200)
    expect(elapsed).toBeLessThan(1000) // answered before Supabase did
    expect((await recoveryEmail(user.email)).link).toContain('/auth/confirm')
  })

  it('answers the same when Supabase is down', async () => {
    const user = await newUser()
    const ok = await requestRecovery(new Browser(), user.email)
    await control().injectFault({ path: '/auth/v1/recover', status: 500, body: { code: 'unexpected_failure', message: 'x' } })
    const down = await requestRecovery(new Browser(), `${user.email}.invalid`)
    expect(down.status).toBe(200)
    expect((await normalised(down)).replace(/\.invalid/, '')).toBe(await normalised(ok))
  })

  it.each([
    ['empty', ''],
    ['not an address', 'not-an-email'],
    ['markup', '<script>alert(1)</script>@x'],
    ['overlong', `${'a'.repeat(300)}@example.com`],
  ])('re-renders the form for an invalid address (%s), tying the error to the field', async (_name, email) => {
    const res = await requestRecovery(new Browser(), email)
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('aria-invalid="true"')
    expect(html).toContain('aria-describedby="f-email-error"')
    expect(html).toContain('id="f-email-error"')
    expect(html).not.toContain('<script>alert(1)</script>')
  })

  it('re-shows at most MAX_EMAIL_LENGTH characters of a 5,000-character address', async () => {
    const res = await requestRecovery(new Browser(), 'a'.repeat(5000))
    expect(res.status).toBe(400)
    const html = await res.text()
    const value = /<input id="f-email"[^>]*value="([^"]*)"/.exec(html)?.[1]
    expect(value).toMatch(/^a+$/)
    expect(value?.length).toBe(MAX_EMAIL_LENGTH)
    expect(html.includes('a'.repeat(MAX_EMAIL_LENGTH + 1))).toBe(false)
  })

  it('limits requests per address at the edge (429 with Retry-After)', async () => {
    const user = await newUser()
    const fetcher = withLimiters()
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await requestRecovery(new Browser({ fetcher }), user.email)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const limited = await requestRecovery(new Browser({ fetcher }), user.email)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    // The form again, with the address and the wait: sending it later is one press.
    const html = await limited.text()
    expect(html).toContain('Too many attempts. Wait a minute, then try again.')
    expect(html).toMatch(/<div class="notice error" role="alert">[^<]*Too many attempts/)
    expect(parseForms(html)[0]?.fields.email).toBe(user.email)
  })

  it('limits requests per IP at the edge', async () => {
    const browser = new Browser({ fetcher: withLimiters() })
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await requestRecovery(browser, `ip-test-${i}-${browser.ip}@example.com`)).status)
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true)
    expect(statuses[10]).toBe(429)
  })
})

describe('which addresses can ask for a link', () => {
  // GoTrue's own check (checkmail's regex, as the stand-in has it [auth:internal/api/mail.go:709-720]):
  // every address Supabase accepts must be able to ask here, and nothing Supabase refuses gets past us.
  const unit = fc.constantFrom(...'aZ09.+-_!#&\'*/=?^`{|}~@ '.split(''), 'xn--p1ai', '.рф', '"', '\t', 'ä')
  const address = fc.oneof(
    fc.emailAddress(),
    fc.tuple(fc.string({ unit, minLength: 1, maxLength: 12 }), fc.string({ unit, minLength: 1, maxLength: 16 })).map(([local, domain]) => `${local}@${domain}`),
    fc.string({ unit, maxLength: 24 }),
  )

  it('accepts exactly what Supabase accepts (after trimming and lower-casing), within 254 characters', async () => {
    const { validateEmail } = await import('../local-auth/validate')
    await fc.assert(
      fc.asyncProperty(address, async (typed) => {
        const normalised = typed.trim().toLowerCase()
        const supabaseTakes = normalised.length <= 254 && validateEmail(normalised).ok
        const res = await requestRecovery(new Browser(), typed)
        expect([typed, res.status]).toEqual([typed, supabaseTakes ? 200 : 400])
      }),
      { numRuns: 60, seed: 20261129 },
    )
  })

  it.each(['user@example.xn--p1ai', 'a&b@example.com', 'o\'neil@example.com'])('takes %s, which Supabase takes', async (typed) => {
    expect((await requestRecovery(new Browser(), typed)).status).toBe(200)
  })

  it.each([`a@${'x'.repeat(64)}.com`, `a@example.${'x'.repeat(64)}`, 'a@-example.com', 'a@example-.com'])('refuses %s, which Supabase refuses (a 64-character label, a hyphen at a label\'s edge)', async (typed) => {
    const { validateEmail } = await import('../local-auth/validate')
    expect(validateEmail(typed).ok).toBe(false)
    expect((await requestRecovery(new Browser(), typed)).status).toBe(400)
  })
})
