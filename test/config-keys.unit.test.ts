/**
 * The two Supabase keys: SUPABASE_PUBLISHABLE_KEY must never hold a key with service-role rights, and
 * SUPABASE_SECRET_KEY (optional, a Worker secret) must be a new `sb_secret_` key, the only kind Supabase
 * accepts Sb-Forwarded-For from. A refusal names the binding on the page and in the log, never the value.
 */
import { describe, expect, it, vi } from 'vitest'
import { ConfigError, isSecretKey, parseConfig } from '../src/config'
import app from '../src/index'

const good = {
  SUPABASE_URL: 'https://abcd1234.supabase.co',
  SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
  SITE_URL: 'https://www.example.com',
}
const SECRET = 'sb_secret_0123456789abcdefghijklmn'
/** A legacy JWT-shaped key with `role` (unsigned: only the claim matters here). */
const legacyKey = (role: string) =>
  ['{"alg":"HS256","typ":"JWT"}', JSON.stringify({ iss: 'supabase', ref: 'abcd1234', role, iat: 1, exp: 2 })]
    .map((part) => btoa(part).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'))
    .concat('c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU')
    .join('.')

describe('SUPABASE_SECRET_KEY', () => {
  it('is optional, and read when it is a secret key', () => {
    expect(parseConfig(good)).toMatchObject({ secretKey: undefined })
    expect(parseConfig({ ...good, SUPABASE_SECRET_KEY: ` ${SECRET} ` })).toMatchObject({ secretKey: SECRET })
  })

  it.each([
    ['a publishable key', 'sb_publishable_0123456789abcdefghij'],
    ['the legacy anon JWT', legacyKey('anon')],
    ['the legacy service_role JWT (Supabase forwards IPs only for sb_secret_ keys)', legacyKey('service_role')],
    ['junk', 'not-a-key-at-all-but-long-enough'],
  ])('refuses %s, naming the binding', (_name, value) => {
    const result = parseConfig({ ...good, SUPABASE_SECRET_KEY: value })
    expect(result).toBeInstanceOf(ConfigError)
    expect((result as ConfigError).keys).toEqual(['SUPABASE_SECRET_KEY'])
    expect((result as ConfigError).message).not.toContain(value)
  })
})

describe('SUPABASE_PUBLISHABLE_KEY', () => {
  it.each([
    ['a secret key', SECRET],
    ['the legacy service_role JWT', legacyKey('service_role')],
  ])('refuses %s, naming the binding', (_name, value) => {
    const result = parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: value })
    expect((result as ConfigError).keys).toEqual(['SUPABASE_PUBLISHABLE_KEY'])
    expect((result as ConfigError).message).not.toContain(value)
  })

  it('accepts the legacy anon JWT and a publishable key', () => {
    expect(parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: legacyKey('anon') })).not.toBeInstanceOf(ConfigError)
    expect(parseConfig(good)).not.toBeInstanceOf(ConfigError)
  })

  it('isSecretKey reads the role of JWT-shaped keys and the sb_secret_ prefix only', () => {
    expect(isSecretKey(SECRET)).toBe(true)
    expect(isSecretKey(legacyKey('service_role'))).toBe(true)
    expect(isSecretKey(legacyKey('anon'))).toBe(false)
    expect(isSecretKey('sb_publishable_x')).toBe(false)
    expect(isSecretKey('a.b.c')).toBe(false)
  })
})

describe('a misplaced key in a deployment', () => {
  it('gets the configuration page and a log line naming the binding, never the key', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    const res = await app.request('https://auth.example.com/account/forgot-password', {}, { ...good, SUPABASE_PUBLISHABLE_KEY: SECRET, SUPABASE_SECRET_KEY: 'sb_publishable_0123456789abcdefghij' })
    const html = await res.text()
    expect(res.status).toBe(500)
    expect(html).toContain('SUPABASE_PUBLISHABLE_KEY')
    expect(html).toContain('SUPABASE_SECRET_KEY')
    expect(html).not.toContain(SECRET)
    expect(lines.join('\n')).toContain('"keys":["SUPABASE_PUBLISHABLE_KEY","SUPABASE_SECRET_KEY"]')
    expect(lines.join('\n')).not.toContain(SECRET)
    expect(lines.join('\n')).not.toContain('sb_publishable_0123456789abcdefghij')
  })
})
