/**
 * The breached-password check on the new-password form (issue 14), against the local range server
 * (local-pwned/): a known-breached password is refused on the form, a fresh one passes, only the
 * 5-character SHA-1 prefix leaves the Worker, once per check (no cache of our own), and a range API
 * that is slow, down, garbled or silent lets the reset finish with a logged reason.
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { beforeEach, describe, expect, it } from 'vitest'
import app from '../src/index'
import { Browser, type Fetcher } from './browser'
import { captureLogs, newUser, reachUpdateForm, signInWith, submitNewPassword, type TestUser } from './flow'
import { freshPassword, hashOf, pwned } from './pwned'

beforeEach(async () => {
  await pwned().reset()
})

/** A person on the new-password form, fresh from the emailed link. */
async function onUpdateForm(bindings?: Record<string, string>): Promise<{ user: TestUser; browser: Browser }> {
  const fetcher: Fetcher | undefined = bindings
    ? async (request) => {
        const ctx = createExecutionContext()
        const res = await app.fetch(request, { ...env, ...bindings }, ctx)
        await waitOnExecutionContext(ctx)
        return res
      }
    : undefined
  const user = await newUser()
  const browser = new Browser(fetcher ? { fetcher } : {})
  await reachUpdateForm(browser, user)
  return { user, browser }
}

/** The warning lines a failed check logs besides the request line. */
const breachLines = (lines: string[]) =>
  lines.filter((l) => l.includes('"msg":"breach_check"')).map((l) => JSON.parse(l) as Record<string, unknown>)
const requestLine = (lines: string[]) =>
  lines.filter((l) => l.includes('"msg":"request"') && l.includes('"method":"POST"')).map((l) => JSON.parse(l) as Record<string, unknown>)

describe('a password known from breaches', () => {
  // Supabase (the stand-in) here wants 10+ characters, so every password below has at least 10.
  it('is refused on the form with an explanation; a fresh one then succeeds', async () => {
    const { user, browser } = await onUpdateForm()
    const { result: refused, lines } = await captureLogs(() => submitNewPassword(browser, 'password123'))
    expect(refused.status).toBe(422)
    const html = await refused.text()
    expect(html).toContain('<title>Error: choose a new password')
    expect(html).toContain('id="f-password-error">It appears in data breaches. Use one you have never used elsewhere.')
    expect(html).toMatch(/id="f-password"[^>]*aria-invalid="true"/)
    expect(html).not.toContain('password123')
    expect(requestLine(lines)).toEqual([expect.objectContaining({ status: 422, reason: 'breached_password', breach_check: 'breach_check_breached' })])
    expect(breachLines(lines)).toEqual([]) // a decided check is on the request line only
    // Nothing was changed at Supabase: the old password still works, the breached one does not.
    expect((await signInWith(user.email, user.password)).error).toBeNull()
    expect((await signInWith(user.email, 'password123')).error?.code).toBe('invalid_credentials')

    const fresh = freshPassword()
    const done = await submitNewPassword(browser, fresh)
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Your password has been changed')
    expect((await signInWith(user.email, fresh)).error).toBeNull()
  })

  it('counts only lines for its own suffix; padding (count 0) never refuses', async () => {
    const { user, browser } = await onUpdateForm()
    const password = freshPassword()
    const { suffix } = await hashOf(password)
    // An answer where this very suffix is a padding line, among real (non-zero) lines for other hashes.
    const other = (n: number) => `${n.toString(16).toUpperCase().padStart(35, '0')}:${n}`
    await pwned().injectFault({ mode: 'garble', body: [other(1), other(9), `${suffix}:0`, other(300)].join('\r\n') })
    const { result, lines } = await captureLogs(() => submitNewPassword(browser, password))
    expect(result.status).toBe(200)
    expect(requestLine(lines)).toEqual([expect.objectContaining({ status: 200, breach_check: 'breach_check_passed' })])
    expect(breachLines(lines)).toEqual([])
    expect((await signInWith(user.email, password)).error).toBeNull()
  })

  it('is refused from BREACHED_PASSWORD_MIN_COUNT sightings on, and allowed below it', async () => {
    // 'leaked a few times' is seen 5 times in the range server's seed list.
    const strict = await onUpdateForm({ BREACHED_PASSWORD_MIN_COUNT: '5' })
    expect((await submitNewPassword(strict.browser, 'leaked a few times')).status).toBe(422)
    const lenient = await onUpdateForm({ BREACHED_PASSWORD_MIN_COUNT: '6' })
    expect((await submitNewPassword(lenient.browser, 'leaked a few times')).status).toBe(200)
    expect((await signInWith(lenient.user.email, 'leaked a few times')).error).toBeNull()
  })

  it('is not checked with BREACHED_PASSWORD_CHECK=off: no call leaves the Worker', async () => {
    const { user, browser } = await onUpdateForm({ BREACHED_PASSWORD_CHECK: 'off' })
    await pwned().clearRequests()
    const { result, lines } = await captureLogs(() => submitNewPassword(browser, 'welcome123'))
    expect(result.status).toBe(200)
    expect(await pwned().requests()).toEqual([])
    expect(breachLines(lines)).toEqual([])
    expect(requestLine(lines)[0]).not.toHaveProperty('breach_check')
    expect((await signInWith(user.email, 'welcome123')).error).toBeNull()
  })
})

describe('what leaves the Worker', () => {
  it('is one GET of /range/<first 5 hex of the SHA-1>, padded, never the password or the rest of its hash', async () => {
    const { browser } = await onUpdateForm()
    const password = freshPassword()
    const { full, prefix, suffix } = await hashOf(password)
    await pwned().clearRequests()
    const { lines } = await captureLogs(() => submitNewPassword(browser, password))
    const requests = await pwned().requests()
    expect(requests).toHaveLength(1)
    const [sent] = requests
    expect(sent).toMatchObject({ method: 'GET', path: `/range/${prefix}`, query: '', body_bytes: 0 })
    expect(sent?.path).toMatch(/^\/range\/[0-9A-F]{5}$/)
    expect(sent?.headers['add-padding']).toBe('true')
    const everything = JSON.stringify(sent).toUpperCase()
    const secrets = [password.toUpperCase(), full, suffix, suffix.slice(0, 10), encodeURIComponent(password).toUpperCase(), browser.ip]
    for (const secret of secrets) {
      expect(everything).not.toContain(secret)
    }
    // Nor does the log carry the password, its hash or even the prefix.
    const logged = lines.join('\n').toUpperCase()
    for (const secret of [password.toUpperCase(), full, suffix, prefix]) expect(logged).not.toContain(secret)
  })

  it('is one call per check, also for the same password again; a failed answer counts for nothing', async () => {
    const { browser } = await onUpdateForm()
    await pwned().clearRequests()
    expect((await submitNewPassword(browser, 'password123')).status).toBe(422)
    // The same password again (a person retrying): asked again, refused again.
    const { result, lines } = await captureLogs(() => submitNewPassword(browser, 'password123'))
    expect(result.status).toBe(422)
    const { prefix } = await hashOf('password123')
    expect((await pwned().requests()).map((r) => r.path)).toEqual([`/range/${prefix}`, `/range/${prefix}`])
    expect(requestLine(lines)).toEqual([expect.objectContaining({ status: 422, breach_check: 'breach_check_breached' })])

    // A garbled answer lets this reset through; the next check with that prefix reads a fresh answer.
    await pwned().injectFault({ mode: 'garble' })
    const garbled = await captureLogs(() => submitNewPassword(browser, 'Password1!'))
    expect(breachLines(garbled.lines)).toEqual([{ msg: 'breach_check', id: expect.any(String), outcome: 'breach_check_failed_malformed' }])
    await pwned().clearRequests()
    const second = await onUpdateForm()
    expect((await submitNewPassword(second.browser, 'Password1!')).status).toBe(422)
    expect(await pwned().requests()).toHaveLength(1)
  })
})

describe('when the range API misbehaves, the reset still finishes (fail open) and says why in the log', () => {
  it.each([
    ['is too slow', { mode: 'slow', delay_ms: 3000 }, 'breach_check_failed_timeout'],
    ['is down', { mode: 'fail', status: 503 }, 'breach_check_failed_status'],
    ['answers a redirect or an error page', { mode: 'fail', status: 302 }, 'breach_check_failed_status'],
    ['answers garbage', { mode: 'garble' }, 'breach_check_failed_malformed'],
    ['answers nothing', { mode: 'garble', body: '' }, 'breach_check_failed_malformed'],
    ['drops the connection', { mode: 'drop' }, 'breach_check_failed_network'],
  ] as const)('%s', async (_name, fault, reason) => {
    const { user, browser } = await onUpdateForm()
    // Even a known-breached password goes through: the check could not say.
    const password = 'letmein123'
    await pwned().injectFault(fault)
    const started = Date.now()
    const { result, lines } = await captureLogs(() => submitNewPassword(browser, password))
    expect(result.status).toBe(200)
    expect(await result.text()).toContain('Your password has been changed')
    expect(Date.now() - started).toBeLessThan(2500) // BREACHED_PASSWORD_TIMEOUT_MS is 400 here
    expect(breachLines(lines)).toEqual([expect.objectContaining({ outcome: reason })])
    expect(requestLine(lines)[0]).toMatchObject({ status: 200, reason: 'password_updated', breach_check: reason })
    expect((await signInWith(user.email, password)).error).toBeNull()
  })
})
