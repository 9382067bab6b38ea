/**
 * Headers on every response, CSRF on every POST, and methods we do not serve.
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import app from '../src/index'
import { Browser } from './browser'

const ROUTES = [
  '/',
  '/account/forgot-password',
  '/account/update-password',
  '/account/verify-code',
  '/auth/confirm',
  `/auth/confirm?token_hash=${'b'.repeat(56)}&type=recovery`,
  '/auth/auth-code-error?reason=link_expired',
  '/healthz',
  '/assets/app.css',
  '/.well-known/change-password',
  '/no/such/page',
]

describe('every response', () => {
  it.each(ROUTES)('%s carries the cache and security headers', async (path) => {
    const res = await new Browser().get(path)
    expect(res.status).toBeLessThan(500)
    const h = res.headers
    expect(h.get('cache-control')).toMatch(/private/)
    expect(h.get('cache-control')).toMatch(/no-store/)
    expect(h.get('vary')).toMatch(/Cookie/)
    const csp = h.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("form-action 'self' https://www.example.com https://app.example.com")
    expect(csp).not.toContain('unsafe-inline')
    expect(h.get('x-content-type-options')).toBe('nosniff')
    expect(h.get('referrer-policy')).toBe('no-referrer')
    expect(h.get('x-robots-tag')).toBe('noindex, nofollow')
    expect(h.get('strict-transport-security')).toMatch(/^max-age=\d+/)
    expect(h.get('x-frame-options')).toBe('DENY')
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

  it('serves pages that work without scripts or external assets', async () => {
    const html = await (await new Browser().get('/account/forgot-password')).text()
    expect(html).not.toMatch(/<script/i)
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>')
    expect(html).toMatch(/<html lang="en">/)
  })
})

describe('forged and malformed posts', () => {
  async function formPage(browser: Browser) {
    await browser.get('/account/forgot-password')
    return browser.jar.get('__Host-csrf') ?? ''
  }

  it('refuses a form posted from another site (403 page)', async () => {
    const browser = new Browser()
    const token = await formPage(browser)
    const res = await browser.post('/account/forgot-password', { csrf_token: token, email: 'a@example.com' }, {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('sent from another website')
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
    browser.jar.delete('__Host-csrf')
    expect((await browser.post('/account/forgot-password', { csrf_token: token, email: 'a@example.com' })).status).toBe(403)
  })

  it('sets the CSRF cookie as __Host-, HttpOnly, Secure, SameSite=Lax, Path=/', async () => {
    const res = await new Browser().get('/account/forgot-password')
    const line = res.headers.getSetCookie().find((c) => c.startsWith('__Host-csrf=')) ?? ''
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

  it('refuses an oversized body (413)', async () => {
    const browser = new Browser()
    const token = await formPage(browser)
    const res = await browser.post('/account/forgot-password', { csrf_token: token, email: 'a@example.com', pad: 'x'.repeat(20_000) })
    expect(res.status).toBe(413)
  })

  it.each(['PUT', 'DELETE', 'PATCH'])('answers %s on a flow route with 405 and Allow', async (method) => {
    const res = await new Browser().request('/auth/confirm', { method })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST')
  })
})
