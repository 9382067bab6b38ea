/**
 * `next` safety, table-driven (STYLE rule 43): what may and may not come out of resolveNext.
 */
import { describe, expect, it } from 'vitest'
import { MAX_NEXT_LENGTH } from '../src/constants'
import { isAllowedTarget, resolveNext } from '../src/lib/next-url'

const options = {
  selfOrigin: 'https://auth.example.com',
  allowedOrigins: ['https://www.example.com', 'https://app.example.com'],
  fallback: '/account/update-password',
}

describe('resolveNext accepts', () => {
  it.each([
    ['a path on this site', '/account/update-password', '/account/update-password'],
    ['a path with a query and fragment', '/welcome?tab=security#top', '/welcome?tab=security#top'],
    ['the site origin', 'https://www.example.com', 'https://www.example.com/'],
    ['a URL on the site', 'https://www.example.com/dashboard?x=1', 'https://www.example.com/dashboard?x=1'],
    ['an allow-listed origin', 'https://app.example.com/settings', 'https://app.example.com/settings'],
    ['this origin as an absolute URL', 'https://auth.example.com/account/update-password', '/account/update-password'],
    ['a path carrying token parameters, minus the tokens', '/done?token_hash=abc&code=1&tab=a', '/done?tab=a'],
    ['an allowed URL carrying a token, minus the token', 'https://app.example.com/x?access_token=t', 'https://app.example.com/x'],
  ])('%s', (_name, raw, want) => {
    expect(resolveNext(raw, options)).toEqual({ target: want })
  })

  // An email's {{ .RedirectTo }} when the app asked for no redirect and Site URL is this Worker.
  it.each([[undefined], [null], [''], ['/'], ['https://auth.example.com'], ['https://auth.example.com/']])('falls back quietly when next is %j', (raw) => {
    expect(resolveNext(raw, options)).toEqual({ target: options.fallback })
  })
})

describe('resolveNext refuses and falls back', () => {
  it.each([
    ['protocol-relative', '//evil.com', 'protocol_relative'],
    ['protocol-relative with path', '//evil.com/account', 'protocol_relative'],
    ['backslash trick', '/\\evil.com', 'bad_characters'],
    ['backslash after slash', '\\/evil.com', 'bad_characters'],
    ['encoded slash', '/%2fevil.com', 'encoded_separator'],
    ['encoded slash upper-case', '/%2Fevil.com', 'encoded_separator'],
    ['encoded backslash', '/%5cevil.com', 'encoded_separator'],
    ['encoded control character', '/ok%0d%0aSet-Cookie:x=1', 'encoded_separator'],
    ['encoded NUL', '/ok%00', 'encoded_separator'],
    ['broken escape', '/ok%zz', 'encoded_separator'],
    ['raw CR LF', '/ok\r\nLocation: https://evil.com', 'bad_characters'],
    ['tab inside the scheme', 'java\tscript:alert(1)', 'bad_characters'],
    ['leading space', ' https://www.example.com', 'bad_characters'],
    ['non-breaking space', '/a\u00a0b', 'bad_characters'],
    ['line separator', '/a\u2028b', 'bad_characters'],
    ['javascript URL', 'javascript:alert(1)', 'not_http'],
    ['data URL', 'data:text/html,<script>alert(1)</script>', 'not_http'],
    ['relative without slash', 'evil.com', 'not_http'],
    ['upper-case scheme', 'HTTPS://www.example.com/', 'not_http'],
    ['other origin', 'https://evil.com/', 'origin_not_allowed'],
    ['look-alike suffix', 'https://www.example.com.evil.com/', 'origin_not_allowed'],
    ['http downgrade of the site', 'http://www.example.com/', 'origin_not_allowed'],
    ['other port', 'https://www.example.com:8443/', 'origin_not_allowed'],
    ['userinfo', 'https://www.example.com@evil.com/', 'userinfo'],
    ['userinfo on an allowed host', 'https://user:pass@www.example.com/', 'userinfo'],
    ['dot segments', '/account/../../evil', 'not_canonical'],
    ['non-canonical host case', 'https://WWW.example.com/', 'not_canonical'],
    ['empty query marker', '/account?', 'not_canonical'],
    ['unicode path', '/café', 'not_canonical'],
    ['overlong', `/${'a'.repeat(3000)}`, 'too_long'],
  ])('%s', (_name, raw, refused) => {
    expect(resolveNext(raw, options)).toEqual({ target: options.fallback, refused })
  })
})

describe('resolveNext findings of the outside security test', () => {
  it.each([
    ['own origin, path with two slashes', 'https://auth.example.com//evil.example/phish', 'protocol_relative'],
    ['own origin, path with three slashes', 'https://auth.example.com///evil.example', 'protocol_relative'],
  ])('refuses %s', (_name, raw, refused) => {
    expect(resolveNext(raw, options)).toEqual({ target: options.fallback, refused })
  })

  it.each([
    ['refresh_token', '/done?refresh_token=r&tab=a', '/done?tab=a'],
    ['provider_token', '/done?provider_token=p&tab=a', '/done?tab=a'],
    ['provider_refresh_token', '/done?provider_refresh_token=p', '/done'],
    ['a token in the fragment', 'https://app.example.com/x#access_token=a&type=recovery', 'https://app.example.com/x'],
  ])('strips %s', (_name, raw, want) => {
    expect(resolveNext(raw, options)).toEqual({ target: want })
  })
})

describe('isAllowedTarget length bound', () => {
  const targets = { selfOrigin: options.selfOrigin, allowedOrigins: options.allowedOrigins }
  it.each([
    ['a path of exactly MAX_NEXT_LENGTH characters', true, MAX_NEXT_LENGTH],
    ['a path one character longer', false, MAX_NEXT_LENGTH + 1],
  ])('%s → %s', (_name, want, length) => {
    const path = `/${'a'.repeat(length - 1)}`
    expect(path).toHaveLength(length)
    expect(isAllowedTarget(path, targets)).toBe(want)
  })
})
