/**
 * Headers on every response, CSRF on every POST, and methods we do not serve.
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import app from '../src/index'
import { Browser } from './browser'
import { captureLogs } from './flow'

const ROUTES = [
  '/',
  '/account/forgot-password',
  '/account/update-password',
  '/account/verify-code',
  '/auth/confirm',
  `/auth/confirm?token_hash=${'b'.repeat(56)}&type=recovery`,
  '/auth/auth-code-error?reason=link_expired',
  '/healthz',
  '/.well-known/change-password',
  '/no/such/page',
]

/**
 * The exact policy: a dropped or weakened directive (no base-uri, unsafe-inline, a wider form-action, a
 * second script source) fails. The one script hash is written `'sha256-…'` here; that it is the hash of
 * the script the pages carry is submit-guard.integration.test.ts's check.
 */
const CSP =
  "default-src 'none'; script-src 'sha256-…'; style-src 'self'; img-src 'self'; form-action 'self' https://www.example.com https://app.example.com; frame-ancestors 'none'; base-uri 'none'"
const scriptHashRe = /'sha256-[A-Za-z0-9+/]{43}='/

/** Every header every response must carry (on https). */
function expectSecurityHeaders(res: Response, what: string) {
  const h = res.headers
  expect(h.get('cache-control'), what).toMatch(/^private, no-store$|no-store/)
  expect(h.get('cache-control'), what).toMatch(/private|no-cache/)
  expect(h.get('vary'), what).toMatch(/Cookie/)
  // Pages differ by language (README "Languages"): a shared cache must not serve one language's page for another.
  expect(h.get('vary'), what).toMatch(/Accept-Language/)
  expect(h.get('content-security-policy')?.replace(scriptHashRe, "'sha256-…'"), what).toBe(CSP)
  expect(h.get('x-content-type-options'), what).toBe('nosniff')
  expect(h.get('referrer-policy'), what).toBe('strict-origin')
  expect(h.get('x-robots-tag'), what).toBe('noindex, nofollow')
  // Two years, subdomains included: a max-age of 0 (or a few seconds) would switch HSTS off.
  expect(h.get('strict-transport-security'), what).toBe('max-age=63072000; includeSubDomains')
  expect(h.get('x-frame-options'), what).toBe('DENY')
  expect(h.get('cross-origin-resource-policy'), what).toBe('same-origin')
}

describe('every response', () => {
  it.each(ROUTES)('%s carries the cache and security headers', async (path) => {
    const res = await new Browser().get(path)
    expect(res.status).toBeLessThan(500)
    expectSecurityHeaders(res, path)
  })

  it.each(ROUTES)('HEAD %s carries them too', async (path) => {
    const res = await new Browser().request(path, { method: 'HEAD' })
    expect(res.status).toBeLessThan(500)
    expectSecurityHeaders(res, `HEAD ${path}`)
  })

  it('POST answers (success, form errors, refusals) carry them', async () => {
    const browser = new Browser()
    const form = await (await browser.get('/account/forgot-password')).text()
    const answers: [string, Response][] = [
      ['reset requested', await browser.submit(form, { email: 'someone@example.com' })],
      ['form error', await browser.submit(form, { email: 'not an address' })],
      ['cross-site post', await browser.post('/account/forgot-password', { email: 'a@example.com' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })],
      ['wrong content type', await browser.request('/account/forgot-password', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: browser.origin } })],
      ['confirm with a dead link', await browser.post('/auth/confirm', { csrf_token: browser.jar.get('__Host-auth-csrf') ?? '', token_hash: 'e'.repeat(56), type: 'recovery' })],
      ['method not allowed', await browser.request('/account/forgot-password', { method: 'PUT' })],
    ]
    for (const [what, res] of answers) expectSecurityHeaders(res, what)
  })

  it('anything that sets a cookie is never cacheable, and carries Expires: 0 and Pragma: no-cache', async () => {
    const browser = new Browser()
    const page = await (await new Browser().get('/account/forgot-password')).text()
    const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(page)?.[1] ?? ''
    expect(stylesheet).toMatch(/^\/auth\/assets\/site-[0-9a-f]+\.css$/)
    const plainAsset = await new Browser().get(stylesheet)
    expect(plainAsset.headers.get('cache-control'), 'an asset without a cookie stays cacheable').toBe('public, max-age=31536000, immutable')
    const answers: [string, Response][] = [
      ['a form page (the CSRF cookie)', await new Browser().get('/account/forgot-password')],
      ['the interstitial', await new Browser().get(`/auth/confirm?token_hash=${'b'.repeat(56)}&type=recovery`)],
      ['a language choice', await new Browser().get('/account/forgot-password?lang=de')],
      ['a language choice on an asset URL', await new Browser().get(`${stylesheet}?lang=de`)],
      ['a language choice on the 404 page', await browser.get('/no/such/page?lang=fr')],
    ]
    for (const [what, res] of answers) {
      expect(res.headers.getSetCookie().length, what).toBeGreaterThan(0)
      expect(res.headers.get('cache-control'), what).toMatch(/no-store/)
      expect(res.headers.get('cache-control'), what).not.toMatch(/public|immutable|max-age=[1-9]/)
      expect(res.headers.get('expires'), what).toBe('0')
      expect(res.headers.get('pragma'), what).toBe('no-cache')
    }
  })

  it('has no HSTS over plain http (local development)', async () => {
    const ctx = createExecutionContext()
    const res = await app.request('http://127.0.0.1:8787/account/forgot-password', {}, env, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(200)
    expect(res.headers.get('strict-transport-security')).toBeNull()
    // Over http the CSRF cookie cannot use the __Host- prefix.
    expect(res.headers.getSetCookie().join('\n')).toMatch(/^csrf=/m)
  })

  it('serves pages without external assets, and one inline script (the submit guard, submit-guard.integration.test.ts)', async () => {
    const html = await (await new Browser().get('/account/forgot-password')).text()
    expect(html.match(/<script/gi)).toHaveLength(1)
    expect(html).toContain('<script>document.addEventListener(')
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>')
    // In the page too, not only X-Robots-Tag: a saved or proxied copy keeps it.
    expect(html).toContain('<meta name="robots" content="noindex, nofollow"/>')
    expect(html).toMatch(/<html lang="en" dir="ltr">/)
  })
})

describe('forged and malformed posts', () => {
  async function formPage(browser: Browser) {
    await browser.get('/account/forgot-password')
    return browser.jar.get('__Host-auth-csrf') ?? ''
  }

  it('a refused confirm button says to open the emailed link again (it still works), not to reload or start over', async () => {
    const browser = new Browser()
    const page = await (await browser.get(`/auth/confirm?token_hash=${'e'.repeat(56)}&type=recovery`)).text()
    browser.jar.set('__Host-auth-csrf', 'x'.repeat(43)) // the cookie changed since the page was shown
    const res = await browser.submit(page)
    expect(res.status).toBe(403)
    const html = await res.text()
    expect(html).toContain('This form could not be accepted')
    expect(html).toContain('Open the link from your email again, or <a href="/account/forgot-password">ask for a new one</a>.')
    expect(html).not.toContain('Reload the page')
    expect(html).not.toContain('Start again')
  })

  it('refuses a form posted from another site (403 page)', async () => {
    const browser = new Browser()
    const token = await formPage(browser)
    const res = await browser.post('/account/forgot-password', { csrf_token: token, email: 'a@example.com' }, {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('It may have expired. Reload the page and try again.')
  })

  it('refuses a post whose token only matches a malformed CSRF cookie (one this Worker never issued)', async () => {
    const browser = new Browser()
    await formPage(browser)
    browser.jar.set('__Host-auth-csrf', 'planted')
    expect((await browser.post('/account/forgot-password', { csrf_token: 'planted', email: 'a@example.com' })).status).toBe(403)
  })

  it.each([42, 44])('refuses a post whose token matches a planted CSRF cookie of %i characters (only 43 is the shape we issue)', async (length) => {
    const browser = new Browser()
    await formPage(browser)
    const planted = 'A'.repeat(length)
    browser.jar.set('__Host-auth-csrf', planted)
    const res = await browser.post('/account/forgot-password', { csrf_token: planted, email: 'a@example.com' })
    expect(res.status).toBe(403)
    // And the planted cookie is replaced by one of ours.
    expect(browser.jar.get('__Host-auth-csrf')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('refuses a post with neither Origin nor Sec-Fetch-Site', async () => {
    const browser = new Browser()
    const token = await formPage(browser)
    const res = await browser.request('/account/forgot-password', {
      method: 'POST',
      body: new URLSearchParams({ csrf_token: token, email: 'a@example.com' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.status).toBe(403)
  })

  it.each([
    ['no CSRF token', (_t: string) => ({ email: 'a@example.com' })],
    ['a wrong CSRF token', (_t: string) => ({ email: 'a@example.com', csrf_token: 'x'.repeat(43) })],
    ['a token from another browser', (_t: string) => ({ email: 'a@example.com', csrf_token: 'A'.repeat(43) })],
  ])('refuses a same-origin post with %s', async (_name, fields) => {
    const browser = new Browser()
    const token = await formPage(browser)
    const res = await browser.post('/account/forgot-password', fields(token))
    expect(res.status).toBe(403)
  })

  it('refuses a post without the CSRF cookie, even with a token', async () => {
    const browser = new Browser()
    const token = await formPage(browser)
    browser.jar.delete('__Host-auth-csrf')
    expect((await browser.post('/account/forgot-password', { csrf_token: token, email: 'a@example.com' })).status).toBe(403)
  })

  it('sets the CSRF cookie as __Host-, HttpOnly, Secure, SameSite=Lax, Path=/', async () => {
    const res = await new Browser().get('/account/forgot-password')
    const line = res.headers.getSetCookie().find((c) => c.startsWith('__Host-auth-csrf=')) ?? ''
    expect(line).toMatch(/; Path=\//)
    expect(line).toMatch(/; HttpOnly/)
    expect(line).toMatch(/; Secure/)
    expect(line).toMatch(/; SameSite=Lax/)
    expect(line).not.toMatch(/Domain=/i)
  })

  it('refuses JSON and other content types (415)', async () => {
    const browser = new Browser()
    await formPage(browser)
    const res = await browser.request('/account/forgot-password', {
      method: 'POST',
      body: JSON.stringify({ email: 'a@example.com' }),
      headers: { 'content-type': 'application/json', origin: browser.origin },
    })
    expect(res.status).toBe(415)
  })

  // The documented limit (docs/flow.md: "body over 8 KiB → 413"), written out rather than imported from
  // src/constants.ts, so that a changed limit fails here instead of moving the test along with it.
  const MAX_FORM_BYTES = 8 * 1024
  it('reads a form body of exactly 8 KiB and refuses one byte more (413)', async () => {
    const browser = new Browser()
    const token = await formPage(browser)
    const fields = (pad: number) => ({ csrf_token: token, email: `limit-${Date.now()}@example.com`, pad: 'x'.repeat(pad) })
    const base = new URLSearchParams(fields(0)).toString().length
    const body = (pad: number) => new URLSearchParams(fields(pad)).toString()
    expect(new TextEncoder().encode(body(MAX_FORM_BYTES - base)).length).toBe(MAX_FORM_BYTES)
    const over = await browser.post('/account/forgot-password', fields(MAX_FORM_BYTES - base + 1))
    expect(over.status).toBe(413)
    const exactly = await browser.post('/account/forgot-password', fields(MAX_FORM_BYTES - base))
    expect(exactly.status).toBe(200)
    expect(await exactly.text()).toContain('Check your email')
  })

  it('refuses an oversized body (413)', async () => {
    const browser = new Browser()
    const token = await formPage(browser)
    const res = await browser.post('/account/forgot-password', { csrf_token: token, email: 'a@example.com', pad: 'x'.repeat(20_000) })
    expect(res.status).toBe(413)
  })

  const FLOW_PATHS = ['/auth/confirm', '/account/forgot-password', '/account/update-password', '/account/verify-code', '/account/signed-in', '/account/sign-out']
  it.each(['PUT', 'DELETE', 'PATCH'])('answers %s on every flow route with 405 and Allow, logged as method_not_allowed', async (method) => {
    for (const path of FLOW_PATHS) {
      const { result: res, lines } = await captureLogs(() => new Browser().request(path, { method }))
      expect(res.status, path).toBe(405)
      expect(res.headers.get('allow'), path).toBe('GET, HEAD, POST')
      const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request')
      expect(line, path).toMatchObject({ method, status: 405, reason: 'method_not_allowed' })
    }
  })
})
