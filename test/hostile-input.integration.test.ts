/**
 * Hostile input, table-driven: a few hundred nasty values sent to every route, as query values,
 * form fields, cookies, content types, bodies and methods. Each must get a page or status that
 * makes sense (never a 5xx, never a stack trace, never the value reflected raw), and nothing
 * the value contains may be logged.
 */
import { describe, expect, it } from 'vitest'
import { Browser } from './browser'
import { captureLogs } from './flow'

const VALUES: readonly string[] = [
  '',
  ' ',
  'a'.repeat(10_000),
  '%',
  '%zz',
  '%E0%A4%A',
  '%C3%28',
  '%FF%FE',
  '%00',
  '%0d%0aSet-Cookie:%20x=1',
  '\u0000',
  '\r\nLocation: https://evil.example',
  '\u202egnp.exe',
  '😀'.repeat(50),
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1",
  '../../../../etc/passwd',
  '//evil.example',
  '/\\evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  'data:text/html,hi',
  'https://www.example.com@evil.example',
  '/%2f%2fevil.example',
  '${jndi:ldap://evil.example/a}',
  '{{ .Token }}',
  'recovery',
  'pkce_' + 'f'.repeat(56),
  'f'.repeat(56),
  'null',
  'undefined',
  '[object Object]',
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  'NaN',
]

/** Values long or distinctive enough that finding them in a log means we logged input. */
const LOGGABLE = VALUES.filter((v) => v.length >= 8 && !['recovery', 'undefined', 'constructor'].includes(v))

function assertSane(res: Response, html: string, value: string) {
  expect(res.status, `status for ${JSON.stringify(value.slice(0, 40))}`).toBeLessThan(500)
  expect(html).not.toMatch(/\bat [\w.]+ \(|TypeError|ReferenceError|SyntaxError|stack/i)
  if (value.includes('<')) expect(html).not.toContain(value)
  const type = res.headers.get('content-type') ?? ''
  if (res.status !== 303 && res.status !== 302 && res.status !== 204) expect(type).toMatch(/text\/html|application\/json|text\/css/)
}

const QUERY_TARGETS = [
  ['/auth/confirm', 'token_hash'],
  ['/auth/confirm', 'type'],
  ['/auth/confirm', 'next'],
  ['/auth/confirm', 'code'],
  ['/auth/confirm', 'error_code'],
  ['/auth/auth-code-error', 'reason'],
  ['/account/forgot-password', 'reason'],
  ['/account/update-password', 'next'],
] as const

describe('hostile query values', () => {
  it.each(QUERY_TARGETS)('%s?%s=…', async (path, param) => {
    const { lines } = await captureLogs(async () => {
      for (const value of VALUES) {
        const browser = new Browser()
        // Raw (unencoded) where the value is itself an encoding trick, encoded otherwise.
        const encoded = /^%/.test(value) ? value : encodeURIComponent(value)
        const base = param === 'token_hash' || param === 'next' ? `type=recovery&token_hash=${'c'.repeat(56)}&` : ''
        const res = await browser.get(`${path}?${base}${param}=${encoded}&${param}=${encoded}`)
        assertSane(res, await res.text(), value)
        if (res.status === 303 || res.status === 302) {
          const location = res.headers.get('location') ?? ''
          expect(location.startsWith('/') || location.startsWith('https://www.example.com/')).toBe(true)
          expect(location).not.toMatch(/evil/)
        }
      }
    })
    for (const value of LOGGABLE) expect(lines.join('\n')).not.toContain(value)
  })
})

describe('a long query', () => {
  const junk = 'a'.repeat(15_000) // near the longest URL Cloudflare passes on (16 KB)
  const link = `/auth/confirm?token_hash=${'c'.repeat(56)}&type=recovery`

  it.each(['/', '/account/forgot-password', '/account/verify-code', '/auth/auth-code-error?reason=link_expired', link, '/no-such-page'])(
    'does not come back in the page %s (once per language link)',
    async (path) => {
      const plain = await (await new Browser().get(path)).text()
      // Plain letters, and characters the links would write percent-encoded (あ, 9 characters each).
      for (const [value, piece] of [[junk, 'a'.repeat(100)], ['%E3%81%82'.repeat(1_600), '%E3%81%82'.repeat(20)]] as const) {
        const res = await new Browser().get(`${path}${path.includes('?') ? '&' : '?'}x=${value}`)
        const html = await res.text()
        assertSane(res, html, value)
        expect(html).not.toContain(piece)
        // The same page: only the CSRF token differs (43 characters either way).
        expect(Math.abs(html.length - plain.length), path).toBeLessThanOrEqual(64)
      }
    },
  )

  it('in the path does not come back either: a 404 at a 15 KB path is the plain 404 page, without the language menu', async () => {
    const plain = await (await new Browser().get('/no-such-page')).text()
    const res = await new Browser().get(`/${junk}`)
    const html = await res.text()
    expect(res.status).toBe(404)
    expect(html).not.toContain('a'.repeat(100))
    expect(html.length).toBeLessThanOrEqual(plain.length)
    expect(html).not.toContain('?lang=')
  })

  it("a link's 15 KB `next` is refused and not carried on; its token hash and type still are, in every language", async () => {
    const browser = new Browser()
    // `next` first: what a link carries after it (its token hash and type) must survive it.
    const { result: res, lines } = await captureLogs(() => browser.get(`/auth/confirm?next=/${junk}&token_hash=${'c'.repeat(56)}&type=recovery`))
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).not.toContain('a'.repeat(100))
    expect(html).not.toContain('name="next"')
    expect(lines.join('\n')).toContain('"reason":"next_refused_too_long"')
    const languageLinks = [...html.matchAll(/href="(\/auth\/confirm\?[^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'))
    expect(languageLinks.length).toBeGreaterThan(1)
    for (const href of languageLinks) {
      const params = new URL(href, 'https://auth.example.com').searchParams
      expect(params.get('token_hash')).toBe('c'.repeat(56))
      expect(params.get('type')).toBe('recovery')
      expect(params.has('next')).toBe(false)
    }
  })

  it('a `next` of the longest length we accept still comes back in the form and the language links', async () => {
    const next = `/${'b'.repeat(2047)}`
    const html = await (await new Browser().get(`${link}&next=${next}`)).text()
    expect(html).toContain(`<input type="hidden" name="next" value="${next}"/>`)
    const languageLinks = [...html.matchAll(/href="(\/auth\/confirm\?[^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'))
    expect(languageLinks.length).toBeGreaterThan(1)
    for (const href of languageLinks) expect(new URL(href, 'https://auth.example.com').searchParams.get('next')).toBe(next)
  })
})

const FORMS = [
  ['/account/forgot-password', ['email']],
  ['/account/verify-code', ['email', 'code']],
  ['/auth/confirm', ['token_hash', 'type', 'next']],
  ['/account/update-password', ['password', 'password_confirm', 'next']],
] as const

describe('hostile form values', () => {
  it.each(FORMS)('POST %s', async (path, fields) => {
    const { lines } = await captureLogs(async () => {
      for (const value of VALUES) {
        const browser = new Browser()
        await browser.get('/account/forgot-password')
        const form: Record<string, string> = { csrf_token: browser.jar.get('__Host-auth-csrf') ?? '' }
        for (const field of fields) form[field] = value
        const res = await browser.post(path, form)
        assertSane(res, await res.text(), value)
      }
    })
    for (const value of LOGGABLE) expect(lines.join('\n')).not.toContain(value)
  })
})

const COOKIES = [
  'sb-127-auth-token=base64-%%%',
  'sb-127-auth-token=base64-eyJub3QiOiJqc29uIg',
  'sb-127-auth-token=not-base64-and-not-json',
  `sb-127-auth-token=base64-${btoa(JSON.stringify({ access_token: 'a.b.c', refresh_token: 'x', expires_at: 1 }))}`,
  `sb-127-auth-token=base64-${btoa(JSON.stringify({ access_token: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.sig', refresh_token: 'abcdefghijkl', expires_at: 9999999999, expires_in: 3600, token_type: 'bearer', user: {} }))}`,
  'sb-127-auth-token.0=base64-eyJhY2Nlc3NfdG9rZW4iOi',
  'sb-127-auth-token.1=only-the-second-chunk',
  `sb-127-auth-token=${'A'.repeat(8000)}`,
  '__Host-auth-csrf=' + 'x'.repeat(5000),
  'confirmed-link=; __Host-auth-confirmed-link=' + 'y'.repeat(300),
  '=;;;==; =x',
]

describe('corrupt, truncated and oversized cookies', () => {
  it.each(['/account/update-password', '/auth/confirm?token_hash=' + 'd'.repeat(56) + '&type=recovery', '/account/forgot-password', '/'])(
    'GET %s',
    async (path) => {
      for (const cookie of COOKIES) {
        const res = await new Browser().get(path, { cookie })
        assertSane(res, await res.text(), cookie)
        if (path === '/account/update-password') expect(res.status).toBe(303)
      }
    },
  )
})

describe('wrong content types, bodies and methods', () => {
  const CONTENT = [
    ['application/json', '{"email":"a@example.com"}'],
    ['text/plain', 'email=a@example.com'],
    ['multipart/form-data; boundary=zzz', '--zzz\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n--zzz--\r\n'],
    ['multipart/form-data; boundary=zzz', 'garbage without boundaries'],
    ['application/x-www-form-urlencoded', '%%%=%%%&&&=='],
    ['application/x-www-form-urlencoded', 'email=' + 'x'.repeat(100_000)],
    ['application/xml', '<email>a@example.com</email>'],
  ] as const

  it.each(CONTENT)('POST with %s', async (type, body) => {
    for (const path of ['/account/forgot-password', '/auth/confirm', '/account/update-password', '/account/verify-code']) {
      const browser = new Browser()
      await browser.get('/account/forgot-password')
      const res = await browser.request(path, {
        method: 'POST',
        body,
        headers: { 'content-type': type, origin: browser.origin, 'sec-fetch-site': 'same-origin' },
      })
      assertSane(res, await res.text(), body)
      expect([400, 403, 413, 415]).toContain(res.status)
    }
  })

  // With this browser's valid token, so each refusal is for the body itself, not the forgery check.
  const multipart = (parts: string) => ['multipart/form-data; boundary=zzz', `${parts}--zzz--\r\n`] as const
  const field = (name: string, value: string) => `--zzz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  it.each([
    ['a file among the fields', 400, (token: string) => multipart(field('csrf_token', token) + field('email', 'a@example.com') + '--zzz\r\nContent-Disposition: form-data; name="avatar"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n')],
    ['a form type with a suffix', 415, (token: string) => ['application/x-www-form-urlencoded-evil', `csrf_token=${token}&email=a%40example.com`] as const],
    ['text/plain (what a cross-site form may send without a preflight)', 415, (token: string) => ['text/plain', `csrf_token=${token}&email=a%40example.com`] as const],
    ['a well-formed multipart form', 200, (token: string) => multipart(field('csrf_token', token) + field('email', 'a@example.com'))],
  ])('a valid token with %s: %i', async (_, status, build) => {
    const browser = new Browser()
    await browser.get('/account/forgot-password')
    const token = [...browser.jar].find(([name]) => name.includes('csrf'))?.[1] ?? ''
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const [type, body] = build(token)
    const res = await browser.request('/account/forgot-password', {
      method: 'POST',
      body,
      headers: { 'content-type': type, origin: browser.origin, 'sec-fetch-site': 'same-origin' },
    })
    assertSane(res, await res.text(), body)
    expect(res.status).toBe(status)
  })

  it('a confirm button sent as text/plain: 415, and the way on is a new link, not a reload of /auth/confirm (it needs the emailed link)', async () => {
    const browser = new Browser()
    await browser.get('/account/forgot-password')
    const token = browser.jar.get('__Host-auth-csrf') ?? ''
    const res = await browser.request('/auth/confirm', {
      method: 'POST',
      body: `csrf_token=${token}&token_hash=${'e'.repeat(56)}&type=recovery`,
      headers: { 'content-type': 'text/plain', origin: browser.origin, 'sec-fetch-site': 'same-origin' },
    })
    expect(res.status).toBe(415)
    const html = await res.text()
    expect(html).toContain('<a class="button" href="/account/forgot-password">Start again</a>')
    expect(html).not.toContain('href="/auth/confirm"')
  })

  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND'])('%s on every route', async (method) => {
    for (const path of ['/', '/auth/confirm', '/account/forgot-password', '/account/update-password', '/account/verify-code', '/healthz']) {
      const res = await new Browser().request(path, { method })
      assertSane(res, await res.text(), method)
      expect([404, 405]).toContain(res.status)
    }
  })
})
