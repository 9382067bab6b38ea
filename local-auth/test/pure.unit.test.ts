// Pure helpers: Go-style template escaping, the text part, link/code extraction, redirect rules and
// Go query encoding. No server.
import { describe, expect, it } from 'vitest'
import { extractCode, extractLinks } from '../client'
import { decodeStruct, RECOVER_PARAMS, USER_UPDATE_PARAMS, VERIFY_PARAMS } from '../go-structs'
import { goEscapeFragment, goSetQuery } from '../go-url'
import { generateRefreshToken } from '../otp'
import { compileGlob, isRedirectAllowed, resolveRedirect } from '../redirect'
import { htmlToText, renderTemplate } from '../template'
import { parseGoUuid, validateEmail } from '../validate'

describe('renderTemplate (Go html/template escaping)', () => {
  const data = {
    SiteURL: 'http://app.test/base?x=1&y=2',
    Email: 'a+b@example.com',
    TokenHash: 'pkce_ab12',
    Data: { name: '<Ada & "Bob">' },
  }

  it.each([
    ['text context escapes & < > " \' +', '<p>{{ .Email }} {{ .Data.name }}</p>', '<p>a&#43;b@example.com &lt;Ada &amp; &#34;Bob&#34;&gt;</p>'],
    ['URL start is normalised then attribute-escaped', '<a href="{{ .SiteURL }}">x</a>', '<a href="http://app.test/base?x=1&amp;y=2">x</a>'],
    ['query values are query-escaped', '<a href="{{.SiteURL}}/c?token_hash={{.TokenHash}}&e={{ .Email }}">x</a>', '<a href="http://app.test/base?x=1&amp;y=2/c?token_hash=pkce_ab12&e=a%2bb%40example.com">x</a>'],
    ['unsafe schemes are filtered', '<a href="{{ .Bad }}">x</a>', '<a href="#ZgotmplZ">x</a>'],
    ['whitespace inside braces and missing fields', '{{.Email}}|{{   .Nope   }}|{{ .Data.missing }}', 'a&#43;b@example.com||'],
    ['non-URL attributes are HTML-escaped only', '<img alt="{{ .Data.name }}">', '<img alt="&lt;Ada &amp; &#34;Bob&#34;&gt;">'],
  ])('%s', (_name, source, expected) => {
    expect(renderTemplate(source, { ...data, Bad: 'javascript:alert(1)' })).toBe(expected)
  })
})

describe('htmlToText', () => {
  it('keeps link targets visible and decodes entities', () => {
    const text = htmlToText('<h2>Hi</h2><p>Go <a href="http://x.test/a?b=1&amp;c=2">here</a> &amp; enter <strong>123456</strong></p>')
    expect(text).toBe('Hi\nGo here ( http://x.test/a?b=1&c=2 ) & enter 123456')
  })
})

describe('extractLinks / extractCode', () => {
  it('decodes &amp; in hrefs, both quote styles, in order', () => {
    expect(extractLinks(`<a href="http://a.test/?x=1&amp;y=2">a</a><a href='http://b.test/'>b</a>`)).toEqual([
      'http://a.test/?x=1&y=2',
      'http://b.test/',
    ])
  })

  it.each([
    ['enter this code: 042917', '042917'],
    ['token_hash=0123456789abcdef0123456789abcdef and code 555123 ( http://x:54321 )', '555123'],
    ['no code here 12345', undefined],
  ])('%s → %s', (text, code) => {
    expect(extractCode(text)).toBe(code)
  })
})

describe('generateRefreshToken (GoTrue SecureAlphanumeric(12))', () => {
  it('writes 12 characters of lower-case base32: over 500 tokens, only a–z and 2–7 ever appear', () => {
    const tokens = Array.from({ length: 500 }, generateRefreshToken)
    expect(tokens.every((t) => t.length === 12)).toBe(true)
    const seen = new Set(tokens.join(''))
    expect([...seen].sort().join('')).toBe('234567abcdefghijklmnopqrstuvwxyz')
  })
})

describe('decodeStruct (encoding/json into a GoTrue request struct)', () => {
  it('null empties a pointer or a map but leaves a plain field as it is; the last key for a field wins', () => {
    expect(decodeStruct(USER_UPDATE_PARAMS, { password: 'x', Password: null, data: { a: 1 }, DATA: null, email: 'a@b.co', EMAIL: null })).toEqual({ ok: true, fields: { email: 'a@b.co' } })
    expect(decodeStruct(RECOVER_PARAMS, { email: 'first@b.co', Email: 'second@b.co' })).toEqual({ ok: true, fields: { email: 'second@b.co' } })
  })

  it('folds keys as bytes.EqualFold does: the long s and the Kelvin sign match s and k; unknown keys are dropped', () => {
    expect(decodeStruct(USER_UPDATE_PARAMS, { 'paſſword': 'x', extra: 1 })).toEqual({ ok: true, fields: { password: 'x' } })
    expect(decodeStruct(VERIFY_PARAMS, { 'to\u212Aen': '123456' })).toEqual({ ok: true, fields: { token: '123456' } })
  })

  it('names a pointer field by the type it points to, and folds no further than bytes.EqualFold (a dotless ı is not an i)', () => {
    expect(decodeStruct(USER_UPDATE_PARAMS, { password: 5 })).toEqual({ ok: false, message: 'json: cannot unmarshal number into Go struct field UserUpdateParams.password of type string' })
    expect(decodeStruct(RECOVER_PARAMS, { 'emaıl': 'a@b.co' })).toEqual({ ok: true, fields: {} })
  })

  it('top-level null is an empty struct', () => {
    expect(decodeStruct(RECOVER_PARAMS, null)).toEqual({ ok: true, fields: {} })
  })
})

describe('parseGoUuid (gofrs/uuid FromString)', () => {
  const canonical = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'
  it.each([
    [canonical, canonical],
    ['6BA7B810-9DAD-11D1-80B4-00C04FD430C8', canonical],
    ['6ba7b8109dad11d180b400c04fd430c8', canonical],
    [`{${canonical}}`, canonical],
    ['{6ba7b8109dad11d180b400c04fd430c8}', canonical],
    [`urn:uuid:${canonical}`, canonical],
    ['urn:uuid:6ba7b8109dad11d180b400c04fd430c8', canonical],
    [`URN:UUID:${canonical}`, undefined],
    [`(${canonical})`, undefined],
    ['6ba7b810-9dad11d1-80b4-00c04fd430c8-', undefined],
    ['6ba7b8109dad11d180b400c04fd430cg', undefined],
    ['', undefined],
  ])('%s → %s', (text, expected) => {
    expect(parseGoUuid(text)).toBe(expected)
  })
})

describe('goEscapeFragment (Go escape(s, encodeFragment))', () => {
  it('keeps unreserved and reserved bytes and !()*, escapes % again, spaces, and UTF-8 bytes in upper-case hex', () => {
    expect(goEscapeFragment("a-_.~$&+,/:;=?@!()*Z9")).toBe("a-_.~$&+,/:;=?@!()*Z9")
    expect(goEscapeFragment('x=422%3A+y&z')).toBe('x=422%253A+y&z')
    expect(goEscapeFragment("a b#'é")).toBe('a%20b%23%27%C3%A9')
  })
})

describe('redirect rules (contract §8)', () => {
  const site = 'http://127.0.0.1:8787'
  const allow = ['https://*.example.app/callback', 'https://docs.example.com/**', 'myapp://auth']
  it.each([
    ['same host and port as SITE_URL, any path', 'http://127.0.0.1:8787/any/path?q=1', true],
    ['loopback host on another port', 'http://127.0.0.1:3000/cb', true],
    ['localhost literal is not an IP: needs same host as SITE_URL', 'http://localhost:3000/cb', false],
    ['IPv6 loopback literal', 'http://[::1]:9999/x', true],
    ['decimal-integer host', 'http://2130706433/x', false],
    ['scheme downgrade against an https site', 'http://app.test/x', false],
    ['glob * within one segment', 'https://pr-1.example.app/callback', true],
    ['glob * does not cross a dot', 'https://a.b.example.app/callback', false],
    ['glob ** crosses slashes', 'https://docs.example.com/a/b/c', true],
    ['exact custom-scheme entry', 'myapp://auth', true],
    ['foreign host', 'https://evil.example/cb', false],
    ['empty', '', false],
  ])('%s', (_name, url, ok) => {
    const siteUrl = url.startsWith('http://app.test') ? 'https://app.test' : site
    expect(isRedirectAllowed(url, siteUrl, allow)).toBe(ok)
  })

  // GoTrue parses with Go's net/url, not the WHATWG parser, and checks in its own order (DIVERGENCES F-17):
  // each row is what IsRedirectURLValid answers, read from auth:internal/utilities/request.go:94-139.
  it.each([
    ['a default port written out is another port (Go compares Port() as written)', 'https://www.example.test', 'https://www.example.test:443/x', [], false],
    ['host names compare as written (Go does not lower-case them)', 'https://www.example.test', 'https://WWW.example.test/x', [], false],
    ['a non-loopback IP literal never reaches the allow-list', site, 'http://192.168.1.10:8787/x', ['http://192.168.1.10:8787/**'], false],
    ['an IPv4-mapped loopback literal is loopback (net.IP.IsLoopback)', site, 'http://[::ffff:127.0.0.1]:3000/cb', [], true],
    ['an IPv6 literal with a zone is no IP and no regular host name', site, 'http://[fe80::1%25en0]:3000/cb', ['http://**'], false],
    ['an IPv4 literal with a leading zero is no IP but a regular host name, so the allow-list applies', site, 'http://010.0.0.1/cb', ['http://010.0.0.1/cb'], true],
    ['a host name with a leading hyphen is not regular', site, 'https://-evil.example.app/callback', allow, false],
    ['a relative redirect has no host and may match the allow-list', site, '/auth/callback', ['**'], true],
    ['a .localhost name may change port on a same-site redirect', 'http://app.localhost:3000', 'http://app.localhost:4000/cb', [], true],
    ['localhost, in any case, may change port on a same-site redirect', 'http://LocalHost:3000', 'http://LocalHost:4000/cb', [], true],
    ['an opaque custom-scheme URL matches the allow-list', site, 'myapp:auth', ['myapp:auth'], true],
    ['a space in the host is a parse error, even where the allow-list would match', site, 'myapp://a b/cb', ['myapp://**'], false],
    ['a bad percent escape in the path is a parse error', site, 'https://docs.example.com/a%zz', allow, false],
    ['a non-numeric port is a parse error', site, 'https://docs.example.com:x/a', ['https://**'], false],
    ['a control byte is a parse error', site, 'https://docs.example.com/a\tb', allow, false],
    ['a control byte in the fragment is not checked (only its escapes are)', 'http://localhost:3000', 'http://localhost:3000/cb#a\tb', [], true],
    ['brackets must hold IPv6, not IPv4 (Go 1.24.8 / 1.25.2)', 'http://localhost:3000', 'http://[127.0.0.1]:3000/cb', [], false],
    ['brackets must hold an IP address, not a name', 'http://localhost:3000', 'https://[evil.com]/x', ['https://**'], false],
    ['a [ inside the host is refused', site, 'myapp://a[b]/x', ['myapp://**'], false],
    ['an http host with more than one colon is refused (urlstrictcolons, Go 1.26)', 'http://localhost:3000', 'http://::1:3000/cb', [], false],
    ['another scheme takes its port from the last colon', site, 'myapp://a:b:1/cb', ['myapp://**'], true],
    ['a zone may escape a host byte or a space, not a slash', site, 'myapp://[fe80::1%25en%2F0]/cb', ['myapp://**'], false],
    ['an empty zone is refused', site, 'myapp://[fe80::1%25]/cb', ['myapp://**'], false],
    ['a zone escaping a host byte is fine', site, 'myapp://[fe80::1%25en%2D0]/cb', ['myapp://**'], true],
  ] as const)('%s', (_name, siteUrl, url, list, ok) => {
    expect(isRedirectAllowed(url, siteUrl, list)).toBe(ok)
  })

  it('falls back through the candidates to SITE_URL', () => {
    expect(resolveRedirect(['https://evil.example', 'http://127.0.0.1:8787/from-referer'], site, [])).toBe('http://127.0.0.1:8787/from-referer')
    expect(resolveRedirect([undefined, 'https://evil.example'], site, [])).toBe(site)
  })

  it('compiles `?` as one non-separator character', () => {
    expect(compileGlob('https://a?.test').test('https://ab.test')).toBe(true)
    expect(compileGlob('https://a?.test').test('https://a/.test')).toBe(false)
  })
})

describe('goSetQuery', () => {
  it('sorts keys and escapes like Go url.Values.Encode', () => {
    expect(goSetQuery('http://x.test/p?z=1&a=b c#frag', { code: "it's" })).toBe('http://x.test/p?a=b+c&code=it%27s&z=1#frag')
  })
})

describe('validateEmail (GoTrue validateEmail [auth:internal/api/mail.go:709-720])', () => {
  const message = (email: string) => {
    const result = validateEmail(email)
    return result.ok ? result.email : result.error.message
  }

  it('says an empty address is required, counts the length in bytes as Go does, then checks the format', () => {
    expect(message('')).toBe('An email address is required')
    expect(message(`${'a'.repeat(243)}@example.com`)).toBe(`${'a'.repeat(243)}@example.com`) // 255 bytes
    expect(message(`${'a'.repeat(244)}@example.com`)).toBe('An email address is too long')
    // 137 characters, 262 bytes: too long to GoTrue, whose len() counts bytes.
    expect(message(`${'é'.repeat(125)}@example.com`)).toBe('An email address is too long')
    expect(message(`${'é'.repeat(100)}@example.com`)).toBe('Unable to validate email address: invalid format')
    expect(message('Someone@Example.COM')).toBe('someone@example.com')
  })
})
